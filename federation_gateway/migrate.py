"""Run the gateway database's Alembic migrations from code (`gridcare db upgrade --gateway`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from federation_gateway.db import sqlalchemy_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
