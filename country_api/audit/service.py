"""The audit log: every mutating service writes one row per changed record, in its transaction.

Values are stored JSON-safe (dates and datetimes as ISO strings, decimals as strings, enums as
their values) so an audit row reads the same in the API, in SQL and in an export.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

import psycopg
from sqlalchemy import func
from sqlmodel import Session, col, select

from country_api.audit.models import Mutation
from gridcare.core.errors import NotFound

ACTIONS = frozenset({"insert", "update", "delete"})


def json_safe(value: Any) -> Any:
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    return value


def record_mutation(
    *,
    session: Session,
    actor: str,
    action: str,
    table: str,
    record_id: object,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    reverts: Mutation | None = None,
) -> Mutation:
    """Add an audit row to the caller's transaction (flushed, so it has an id; not committed).

    When `reverts` is given, the reverted mutation is marked `reverted_by` the new one.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    mutation = Mutation(
        actor=actor,
        action=action,
        table_name=table,
        record_id=str(record_id),
        old_values=json_safe(old) if old is not None else None,
        new_values=json_safe(new) if new is not None else None,
        reverts=reverts.id if reverts is not None else None,
    )
    session.add(mutation)
    session.flush()
    if reverts is not None:
        reverts.reverted_by = mutation.id
        session.add(reverts)
        session.flush()
    return mutation


def changed_values(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (old, new) pair of only the keys whose JSON-safe value differs."""
    keys = [key for key in after if json_safe(before.get(key)) != json_safe(after[key])]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def list_mutations(
    *,
    session: Session,
    table: str | None = None,
    record_id: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[Mutation], int]:
    conditions = []
    if table:
        conditions.append(col(Mutation.table_name) == table)
    if record_id:
        conditions.append(col(Mutation.record_id) == record_id)
    total = session.exec(select(func.count()).select_from(Mutation).where(*conditions)).one()
    rows = session.exec(
        select(Mutation)
        .where(*conditions)
        .order_by(col(Mutation.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), int(total)


def get_mutation(*, session: Session, mutation_id: int, lock: bool = False) -> Mutation:
    mutation = session.get(Mutation, mutation_id, with_for_update=lock)
    if mutation is None:
        raise NotFound(f"no mutation {mutation_id}")
    return mutation


def record_inserts(
    *, session: Session, actor: str, table: str, rows: list[tuple[object, Mapping[str, Any]]]
) -> None:
    """One `insert` audit row per (record id, new values), in the caller's transaction, written
    with COPY: for bulk operations (an import of thousands of customers) where a statement per
    row would dominate."""
    if not rows:
        return
    with (
        raw_connection(session)
        .cursor()
        .copy(
            "COPY mutations (actor, action, table_name, record_id, new_values) FROM STDIN"
        ) as copy
    ):
        for record_id, new in rows:
            copy.write_row((actor, "insert", table, str(record_id), json.dumps(json_safe(new))))


def raw_connection(session: Session) -> psycopg.Connection[Any]:
    """The psycopg connection under the session's transaction (for COPY)."""
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, psycopg.Connection)
    return connection
