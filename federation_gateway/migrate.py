"""Migrate the gateway database from code (`gridcare db upgrade`, tests, the demo)."""

from __future__ import annotations

from pathlib import Path

from gridcare.core import migrations

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(database_url: str, revision: str = "head") -> None:
    migrations.upgrade(database_url, MIGRATIONS, revision)
