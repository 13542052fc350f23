"""Engines for the services' PostgreSQL databases (psycopg 3 through SQLAlchemy)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlmodel import Session, create_engine


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


@contextmanager
def unit_of_work(bind: Engine | Connection) -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back when it raises.

    This and the request session dependency built on it are where GridCare commits; services
    only `flush`. A step that must not take the rest down with it runs in a savepoint
    (`session.begin_nested()`) inside the unit of work.
    """
    with Session(bind, expire_on_commit=False) as session, session.begin():
        yield session
