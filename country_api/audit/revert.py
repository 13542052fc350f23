"""Undoing an audited mutation by writing the old values back through the audited path.

- an update of a row in a table of `REVERTIBLE_ROWS` puts the changed columns back;
- a customer's registration (insert) is undone by deactivating the customer;
- a change of an account's meter assignments restores the previous assignment state.

The revert is itself a mutation (`reverts` = the original, which gets `reverted_by`). A
mutation is reverted at most once, and only while its record still holds the values it wrote:
anything changed since makes the revert stale (409), so nobody's later edit is overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlmodel import Session, SQLModel

from country_api.audit.models import Mutation
from country_api.audit.service import get_mutation, json_safe, record_mutation
from country_api.customers.models import Account, Customer
from country_api.customers.service import (
    apply_customer_changes,
    customer_values,
    deactivation_changes,
    get_account,
)
from country_api.meters.assignments import (
    ASSIGNMENTS_TABLE,
    apply_assignment_state,
    assignment_state,
)
from gridcare.core.errors import Conflict, NotFound

Applier = Callable[[Session, str, Any, dict[str, Any], Mutation], Mutation | None]


def _apply_row_changes(
    session: Session, actor: str, row: Any, changes: dict[str, Any], reverts: Mutation
) -> Mutation | None:
    old = {field: getattr(row, field) for field in changes}
    for field, value in changes.items():
        setattr(row, field, value)
    session.add(row)
    session.flush()
    return record_mutation(
        session=session,
        actor=actor,
        action="update",
        table=str(getattr(row, "__tablename__", "")),
        record_id=getattr(row, "id", None),
        old=old,
        new=changes,
        reverts=reverts,
    )


def _apply_customer(
    session: Session, actor: str, row: Any, changes: dict[str, Any], reverts: Mutation
) -> Mutation | None:
    return apply_customer_changes(
        session=session, actor=actor, customer=row, changes=changes, reverts=reverts
    )


@dataclass(frozen=True)
class Revertible:
    model: type[SQLModel]
    apply: Applier = _apply_row_changes


REVERTIBLE_ROWS: dict[str, Revertible] = {
    "customers": Revertible(Customer, _apply_customer),
    "accounts": Revertible(Account),
}


def revert_mutation(*, session: Session, actor: str, mutation_id: int) -> Mutation:
    original = get_mutation(session=session, mutation_id=mutation_id, lock=True)
    if original.reverted_by is not None:
        raise Conflict(f"mutation {original.id} was already reverted by {original.reverted_by}")
    if original.table_name == ASSIGNMENTS_TABLE:
        revert = _revert_assignments(session, actor, original)
    elif original.table_name in REVERTIBLE_ROWS and original.action == "update":
        revert = _revert_update(session, actor, original)
    elif original.table_name == "customers" and original.action == "insert":
        revert = _revert_registration(session, actor, original)
    else:
        raise Conflict(
            f"a {original.action} on {original.table_name} cannot be reverted here"
            + (
                "; revert the account's meter assignment change"
                if original.table_name == "meters"
                else ""
            )
        )
    if revert is None:  # pragma: no cover - the staleness check rules it out
        raise Conflict(f"mutation {original.id} changes nothing any more")
    return revert


def _locked_row(session: Session, original: Mutation) -> Any:
    revertible = REVERTIBLE_ROWS[original.table_name]
    try:
        key = int(original.record_id)
    except ValueError:
        raise Conflict(f"record {original.record_id!r} cannot be looked up") from None
    row = session.get(revertible.model, key, with_for_update=True)
    if row is None:
        raise Conflict(f"{original.table_name} {original.record_id} no longer exists")
    return row


def _refuse_if_stale(original: Mutation, current: dict[str, Any]) -> None:
    written = original.new_values or {}
    changed = sorted(key for key, value in written.items() if json_safe(current.get(key)) != value)
    if changed:
        raise Conflict(
            f"mutation {original.id} is stale: {', '.join(changed)} changed since; "
            "revert the later change first or edit the record directly",
            fields=[{"field": key, "message": "changed since"} for key in changed],
        )


def _typed(model: type[SQLModel], values: dict[str, Any]) -> dict[str, Any]:
    """JSON values from the audit log back to the model's Python types (dates, enums…)."""
    typed = {}
    for field, value in values.items():
        info = model.model_fields.get(field)
        if info is None or info.annotation is None:
            raise Conflict(f"{field} is no longer a column of {model.__name__}")
        typed[field] = TypeAdapter(info.annotation).validate_python(value)
    return typed


def _revert_update(session: Session, actor: str, original: Mutation) -> Mutation | None:
    revertible = REVERTIBLE_ROWS[original.table_name]
    row = _locked_row(session, original)
    written = original.new_values or {}
    _refuse_if_stale(original, {key: getattr(row, key, None) for key in written})
    changes = _typed(revertible.model, original.old_values or {})
    return revertible.apply(session, actor, row, changes, original)


def _revert_registration(session: Session, actor: str, original: Mutation) -> Mutation | None:
    customer = _locked_row(session, original)
    _refuse_if_stale(original, customer_values(customer))
    return apply_customer_changes(
        session=session,
        actor=actor,
        customer=customer,
        changes=deactivation_changes(),
        reverts=original,
    )


def _revert_assignments(session: Session, actor: str, original: Mutation) -> Mutation | None:
    try:
        found = get_account(session=session, account_number=original.record_id)
    except NotFound:
        raise Conflict(f"account {original.record_id} no longer exists") from None
    account = session.get(Account, found.id, with_for_update=True)
    assert account is not None and account.id is not None
    _refuse_if_stale(original, {"meters": assignment_state(session=session, account_id=account.id)})
    previous = dict((original.old_values or {}).get("meters", {}))
    return apply_assignment_state(
        session=session, actor=actor, account=account, target=previous, reverts=original
    )
