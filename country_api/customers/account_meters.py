"""The meters on a customer's accounts, which the customer detail lists (`router.py`).

Meter assignments belong to the meters domain, which sits above customers (it imports
accounts), so customers does not ask it directly: the composition layer hands its lookup in
once (`country_api/wiring.py` calls `provide`).
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlmodel import Session


class AccountMetersLookup(Protocol):
    def __call__(
        self, *, session: Session, account_ids: list[int]
    ) -> dict[int, list[dict[str, Any]]]: ...


_lookup: AccountMetersLookup | None = None


def provide(lookup: AccountMetersLookup) -> None:
    global _lookup
    _lookup = lookup


def open_meters_by_account(
    *, session: Session, account_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """Open assignments per account id, as `AccountMeter` fields."""
    if _lookup is None:
        raise RuntimeError("no account meters lookup: country_api.wiring.wire_domains() first")
    return _lookup(session=session, account_ids=account_ids)
