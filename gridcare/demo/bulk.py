"""Fast inserts for demo data: ids drawn from the tables' own identity sequences, rows by COPY.

Drawing ids with `nextval` (instead of writing made-up ids) keeps the identity sequences right,
so rows the API creates later never collide with seeded ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg import sql


def allocate_ids(cursor: psycopg.Cursor[Any], table: str, count: int) -> list[int]:
    if count == 0:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        (table, count),
    )
    return [int(row[0]) for row in cursor.fetchall()]


def copy_rows(
    cursor: psycopg.Cursor[Any],
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
