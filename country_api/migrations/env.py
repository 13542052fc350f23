"""Alembic environment for a country database (see `gridcare.core.migrations`)."""

from gridcare.core.migrations import run_environment

run_environment()
