"""Rates from a configured HTTP rates service (`GRIDCARE_FX_URL`).

The provider sends `GET {url}?currencies=ZAR,EUR&from=2025-01&to=2025-06` (each parameter only
when narrowed) and expects:

    {"source": "SARB/ECB/BoZ monthly averages via treasury-rates v2",
     "rates": [{"currency": "ZAR", "month": "2025-01", "usd_per_unit": "0.0532"}, …]}

`usd_per_unit` is a decimal string: US dollars for one unit of the currency, the month's
average. A row may carry its own `"source"`, which then wins over the document's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from federation_gateway.fx.file_provider import parse_month
from federation_gateway.fx.models import RATE_PLACES, MonthlyRate
from federation_gateway.fx.protocol import FxProviderError


class HttpFxProvider:
    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url
        self.timeout_seconds = timeout_seconds
        self.transport = transport
        self.name = f"http:{url}"

    def fetch(
        self,
        *,
        currencies: Collection[str] | None = None,
        first: dt.date | None = None,
        last: dt.date | None = None,
    ) -> list[MonthlyRate]:
        params = {}
        if currencies:
            params["currencies"] = ",".join(sorted(code.upper() for code in currencies))
        if first is not None:
            params["from"] = f"{first:%Y-%m}"
        if last is not None:
            params["to"] = f"{last:%Y-%m}"
        try:
            with httpx.Client(transport=self.transport, timeout=self.timeout_seconds) as client:
                answer = client.get(self.url, params=params)
                answer.raise_for_status()
                document = answer.json()
        except (httpx.HTTPError, ValueError) as error:
            raise FxProviderError(f"rates service {self.url}: {error}") from None
        return self._parse(document)

    def _parse(self, document: Any) -> list[MonthlyRate]:
        if not isinstance(document, dict) or not isinstance(document.get("rates"), list):
            raise FxProviderError(f"rates service {self.url}: expected {{'rates': [...]}}")
        default_source = str(document.get("source") or "unnamed")
        rates = []
        for row in document["rates"]:
            try:
                value = Decimal(str(row["usd_per_unit"])).quantize(RATE_PLACES)
                rate = MonthlyRate(
                    currency=str(row["currency"]).strip().upper(),
                    month=parse_month(str(row["month"])),
                    usd_per_unit=value,
                    source=f"{self.name}: {row.get('source') or default_source}",
                )
            except (KeyError, TypeError, ValueError, InvalidOperation):
                raise FxProviderError(f"rates service {self.url}: malformed row {row!r}") from None
            if len(rate.currency) != 3 or rate.usd_per_unit <= 0:
                raise FxProviderError(f"rates service {self.url}: bad row {row!r}")
            rates.append(rate)
        return rates
