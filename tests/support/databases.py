"""Real PostgreSQL for tests: the server named by GRIDCARE_TEST_DATABASE_URL, else an embedded one.

Each test session makes its own uniquely named databases (so parallel runs never collide),
builds them with `alembic upgrade head`, and drops them at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

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
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            for name in self.created:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def truncate_all(url: str, *, keep: tuple[str, ...] = ("alembic_version",)) -> None:
    """Empty every table (identities restarted) so each test starts from a blank country."""
    with psycopg.connect(url, autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            if row[0] not in keep
        ]
        if tables:
            names = sql.SQL(", ").join(sql.Identifier(t) for t in tables)
            connection.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names))
