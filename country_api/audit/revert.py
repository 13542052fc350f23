"""Undoing an audited mutation by writing the old values back through the audited path.

Audit sits below the domains it records, so it cannot know how to undo their changes itself:
each domain registers a reverter per (table, action), and the composition layer wires them in
once (`country_api/wiring.py`). Today:

- an update of a customer or an account puts the changed columns back (`customers/reverts.py`);
- a customer's registration (insert) is undone by deactivating the customer (same module);
- a change of an account's meter assignments restores the previous assignment state
  (`meters/reverts.py`).

The revert is itself a mutation (`reverts` = the original, which gets `reverted_by`). A
mutation is reverted at most once, and only while its record still holds the values it wrote:
anything changed since makes the revert stale (409), so nobody's later edit is overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import TypeAdapter
from sqlmodel import Session, SQLModel

from country_api.audit.models import Mutation
from country_api.audit.service import get_mutation, json_safe, record_mutation
from gridcare.core.errors import Conflict

Reverter = Callable[[Session, str, Mutation], Mutation | None]
"""(session, actor, the original mutation) → the reverting mutation; None if nothing changes."""
Applier = Callable[[Session, str, Any, dict[str, Any], Mutation], Mutation | None]
"""(session, actor, locked row, old values to put back, the original) → the reverting mutation."""

_REVERTERS: dict[tuple[str, str], Reverter] = {}


def register_reverters(reverters: Mapping[tuple[str, str], Reverter]) -> None:
    """Let `revert_mutation` undo these (table, action) pairs."""
    _REVERTERS.update(reverters)


def revert_mutation(*, session: Session, actor: str, mutation_id: int) -> Mutation:
    original = get_mutation(session=session, mutation_id=mutation_id, lock=True)
    if original.reverted_by is not None:
        raise Conflict(f"mutation {original.id} was already reverted by {original.reverted_by}")
    reverter = _REVERTERS.get((original.table_name, original.action))
    if reverter is None:
        raise Conflict(
            f"a {original.action} on {original.table_name} cannot be reverted here"
            + (
                "; revert the account's meter assignment change"
                if original.table_name == "meters"
                else ""
            )
        )
    revert = reverter(session, actor, original)
    if revert is None:  # pragma: no cover - the staleness check rules it out
        raise Conflict(f"mutation {original.id} changes nothing any more")
    return revert


def apply_row_changes(
    session: Session, actor: str, row: Any, changes: dict[str, Any], reverts: Mutation
) -> Mutation | None:
    """The default `Applier`: set the columns and audit them as an update of the row."""
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


def row_update_reverter(model: type[SQLModel], apply: Applier = apply_row_changes) -> Reverter:
    """Undo an update of one `model` row: its changed columns get their old values back."""

    def revert(session: Session, actor: str, original: Mutation) -> Mutation | None:
        row = locked_row(session, model, original)
        written = original.new_values or {}
        refuse_if_stale(original, {key: getattr(row, key, None) for key in written})
        changes = _typed(model, original.old_values or {})
        return apply(session, actor, row, changes, original)

    return revert


def locked_row(session: Session, model: type[SQLModel], original: Mutation) -> Any:
    """The mutated row (`record_id` is its integer key), locked for the revert."""
    try:
        key = int(original.record_id)
    except ValueError:
        raise Conflict(f"record {original.record_id!r} cannot be looked up") from None
    row = session.get(model, key, with_for_update=True)
    if row is None:
        raise Conflict(f"{original.table_name} {original.record_id} no longer exists")
    return row


def refuse_if_stale(original: Mutation, current: dict[str, Any]) -> None:
    """A 409 unless the record still holds every value the mutation wrote."""
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
