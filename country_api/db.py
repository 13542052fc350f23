"""Database engine and sessions for one country's PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session, create_engine


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine for a `postgresql+psycopg://` URL (plain `postgresql://` is accepted too)."""
    return create_engine(
        sqlalchemy_url(url), pool_size=pool_size, max_overflow=20, pool_pre_ping=True
    )


def sqlalchemy_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
