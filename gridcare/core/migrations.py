"""Alembic, run from code: each service keeps its own `migrations/` folder and calls these.

A service's `migrations/env.py` is one call to `run_environment()`; its `migrate.py` names the
folder and calls `upgrade()`. The database URL always comes from the caller (never a file).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine

from gridcare.core.db import sqlalchemy_url


def alembic_config(database_url: str, migrations: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, migrations: Path, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url, migrations), revision)


def run_environment() -> None:
    """The body of every `env.py`: each migration in its own transaction."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("run migrations through gridcare.core.migrations.upgrade")
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, transaction_per_migration=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
