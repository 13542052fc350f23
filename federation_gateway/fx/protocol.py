"""`FxProvider`: where monthly average rates to USD come from.

One module per provider (`file_provider`, `http_provider`); `gridcare fx update --source NAME`
picks one by name from `PROVIDERS` in `registry`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Protocol

from federation_gateway.fx.models import MonthlyRate


class FxProviderError(Exception):
    """The provider could not deliver rates (unreachable, malformed answer, broken file)."""


class FxProvider(Protocol):
    name: str

    def fetch(
        self,
        *,
        currencies: Collection[str] | None = None,
        first: dt.date | None = None,
        last: dt.date | None = None,
    ) -> list[MonthlyRate]:
        """Monthly averages for these currencies and months (all it has when not narrowed)."""
        ...
