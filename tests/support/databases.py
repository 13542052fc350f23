"""Real PostgreSQL for tests: the server named by GRIDCARE_TEST_DATABASE_URL, else an embedded one.

Each test session makes its own uniquely named databases (so parallel runs never collide),
builds them with `alembic upgrade head`, and drops them at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from gridcare.core.embedded_pg import embedded_postgres


@contextmanager
def postgres_server() -> Iterator[str]:
    """An admin URL for a server we may create databases on."""
    url = os.environ.get("GRIDCARE_TEST_DATABASE_URL")
    if url:
        yield url
        return
    pgdata = Path(os.environ.get("GRIDCARE_TEST_PGDATA", f"/tmp/gridcare-test-pg-{os.getuid()}"))
    with embedded_postgres(pgdata) as embedded_url:
        yield embedded_url


def database_url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


class DatabaseFactory:
    """Creates throw-away databases on one server; `drop_all` removes what it made."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.prefix = f"gridcare_test_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = []

    def create(self, label: str, migrate: Callable[[str], None] | None = None) -> str:
        name = f"{self.prefix}_{label}"
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        url = database_url(self.admin_url, name)
        if migrate is not None:
            migrate(url)
        return url

    def drop_all(self) -> None:
        """Drops them side by side: each DROP DATABASE waits for a checkpoint, and the
        checkpoints requested at once are shared (one after another, each took seconds)."""
        if self.created:
            with ThreadPoolExecutor(max_workers=min(8, len(self.created))) as pool:
                list(pool.map(self._drop, self.created))

    def _drop(self, name: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


BULK_ROWS = 1000
"""A table holding more rows than this is truncated; smaller ones are emptied by DELETE."""

# Sequences owned by a column (serial or identity) used since they were last restarted.
_USED_SEQUENCES = """
SELECT format('%%I.%%I', q.schemaname, q.sequencename), q.start_value
FROM pg_depend d
JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_sequences q ON q.schemaname = 'public' AND q.sequencename = s.relname
WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
  AND d.deptype IN ('a', 'i') AND t.relnamespace = 'public'::regnamespace
  AND t.relname <> ALL(%(keep)s) AND q.last_value IS NOT NULL
"""


def truncate_all(url: str, *, keep: tuple[str, ...] = ("alembic_version",)) -> None:
    """Empty every table (identities restarted) so each test starts from a blank country.

    A TRUNCATE costs the server new files for every table and index it names (and it must name
    every table referencing one, e.g. all that reference the sites each app start seeds), so
    only tables that hold rows are emptied, by DELETE with triggers and foreign-key checks off
    (`session_replication_role = replica`, as a bulk load does), and used sequences are set
    back to their start. Tables with many rows are truncated. Without the rights to switch
    triggers off, everything is truncated as before.
    """
    with psycopg.connect(url, autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            if row[0] not in keep
        ]
        if not tables:
            return
        try:
            with connection.transaction():
                connection.execute("SET LOCAL session_replication_role = replica")
                _empty_holding_tables(connection, tables, keep)
        except psycopg.errors.InsufficientPrivilege:
            names = sql.SQL(", ").join(sql.Identifier(t) for t in tables)
            connection.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names))


def _empty_holding_tables(
    connection: psycopg.Connection[tuple[Any, ...]], tables: list[str], keep: tuple[str, ...]
) -> None:
    counts = sql.SQL(" UNION ALL ").join(
        sql.SQL(
            "SELECT {name}, count(*) FROM (SELECT FROM {table} LIMIT {limit}) AS probe"
            " HAVING count(*) > 0"
        ).format(
            name=sql.Literal(table),
            table=sql.Identifier(table),
            limit=sql.Literal(BULK_ROWS + 1),
        )
        for table in tables
    )
    holding = dict(connection.execute(counts).fetchall())
    bulky = [table for table, count in holding.items() if count > BULK_ROWS]
    if bulky:
        names = sql.SQL(", ").join(sql.Identifier(t) for t in bulky)
        connection.execute(sql.SQL("TRUNCATE {} CASCADE").format(names))
    for table in holding.keys() - bulky:
        connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
    for sequence, start in connection.execute(_USED_SEQUENCES, {"keep": list(keep)}).fetchall():
        connection.execute("SELECT setval(%s::regclass, %s, false)", (sequence, start))
