"""The demo's PostgreSQL: the server named by `GRIDCARE_DATABASE_URL`, else an embedded one.

On the chosen server the demo keeps one database per country plus the gateway's, named
`<prefix>_<slug>` and `<prefix>_gateway` (prefix `gridcare`).
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from gridcare.core.embedded_pg import embedded_postgres


@dataclass(frozen=True)
class DatabaseServer:
    admin_url: str
    embedded: bool

    def url(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    def describe(self) -> str:
        if self.embedded:
            return f"embedded PostgreSQL (socket in {make_url(self.admin_url).query.get('host')})"
        return "PostgreSQL at " + make_url(self.admin_url).render_as_string(hide_password=True)


@contextmanager
def database_server(pgdata: Path) -> Iterator[DatabaseServer]:
    """The configured server, or an embedded one kept in `pgdata` and stopped on exit."""
    configured = os.environ.get("GRIDCARE_DATABASE_URL")
    if configured:
        yield DatabaseServer(_libpq_url(configured), embedded=False)
        return
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on servers
        warnings.simplefilter("ignore")
        importlib.import_module("embedded_postgres.postgres_server")
    with embedded_postgres(pgdata) as admin_url:
        yield DatabaseServer(admin_url, embedded=True)


def prepare_databases(server: DatabaseServer, names: list[str], *, reset: bool) -> list[str]:
    """Create the databases that are missing (all of them after dropping, with `reset`)."""
    created = []
    with psycopg.connect(server.admin_url, autocommit=True) as connection:
        for name in names:
            if reset:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if exists is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                created.append(name)
    return created


def _libpq_url(url: str) -> str:
    """`postgresql+psycopg://…` (SQLAlchemy's spelling) as the `postgresql://…` psycopg reads."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)
