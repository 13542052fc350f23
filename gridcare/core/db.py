"""Engines for the services' PostgreSQL databases (psycopg 3 through SQLAlchemy)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import create_engine


def sqlalchemy_url(url: str) -> str:
    """`postgresql://…` (as operators write it) → `postgresql+psycopg://…` (psycopg 3)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    return create_engine(
        sqlalchemy_url(url), pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True
    )
