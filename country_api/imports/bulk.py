"""Bulk loading helpers: COPY into a temporary staging table, then one set-based upsert."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection


def driver_connection(connection: Connection) -> Any:
    """The psycopg connection under a SQLAlchemy one (for COPY)."""
    return connection.connection.driver_connection


def copy_csv(connection: Connection, table: str, columns: tuple[str, ...], data: bytes) -> None:
    """COPY CSV `data` (no header) into `table(columns)` on the caller's transaction."""
    raw = driver_connection(connection)
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy,
    ):
        copy.write(data)


def staging_table(connection: Connection, name: str, definition: str) -> None:
    """A temporary table dropped at commit, with a `seq` giving the order rows arrived in."""
    raw = driver_connection(connection)
    raw.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {name} ({definition},"
        " seq bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP"
    )
