"""Alembic environment for the gateway database (see `gridcare.core.migrations`)."""

from gridcare.core.migrations import run_environment

run_environment()
