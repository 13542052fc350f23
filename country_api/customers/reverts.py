"""How audit undoes customers' mutations (wired in by `country_api/wiring.py`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from country_api.audit.models import Mutation
from country_api.audit.revert import Reverter, locked_row, refuse_if_stale, row_update_reverter
from country_api.customers.models import Account, Customer
from country_api.customers.service import (
    apply_customer_changes,
    customer_values,
    deactivation_changes,
)


def _apply_customer(
    session: Session, actor: str, row: Any, changes: dict[str, Any], reverts: Mutation
) -> Mutation | None:
    return apply_customer_changes(
        session=session, actor=actor, customer=row, changes=changes, reverts=reverts
    )


def _revert_registration(session: Session, actor: str, original: Mutation) -> Mutation | None:
    """A registration is undone by deactivating the customer."""
    customer = locked_row(session, Customer, original)
    refuse_if_stale(original, customer_values(customer))
    return apply_customer_changes(
        session=session,
        actor=actor,
        customer=customer,
        changes=deactivation_changes(),
        reverts=original,
    )


REVERTERS: dict[tuple[str, str], Reverter] = {
    ("customers", "update"): row_update_reverter(Customer, _apply_customer),
    ("accounts", "update"): row_update_reverter(Account),
    ("customers", "insert"): _revert_registration,
}
