"""Country API apps wired to a test database and a test token issuer."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from country_api.config import Settings
from country_api.main import create_app
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import make_engine


@contextmanager
def country_env(code: str) -> Iterator[None]:
    previous = os.environ.get("GRIDCARE_COUNTRY")
    os.environ["GRIDCARE_COUNTRY"] = code
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("GRIDCARE_COUNTRY", None)
        else:
            os.environ["GRIDCARE_COUNTRY"] = previous


def country_settings(code: str, database_url: str, **overrides: Any) -> Settings:
    with country_env(code):
        return Settings(database_url=database_url, **overrides)


def jwks_transport(issuer: TokenIssuer) -> httpx.MockTransport:
    """Serves the issuer's public JWKS, as the gateway's `/.well-known/jwks.json` does."""
    return httpx.MockTransport(lambda request: httpx.Response(200, json=issuer.jwks()))


def country_app(code: str, database_url: str, issuer: TokenIssuer, **overrides: Any) -> FastAPI:
    settings = country_settings(code, database_url, **overrides)
    engine = make_engine(database_url, pool_size=5)
    return create_app(settings, engine=engine, jwks_transport=jwks_transport(issuer))


@asynccontextmanager
async def running(
    app: FastAPI, base_url: str = "http://country"
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client speaking to the app in-process, with its lifespan (start-up) run."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client
    app.state.engine.dispose()


def bearer(
    issuer: TokenIssuer, *, country: str = "LS", role: str = "superadmin", username: str = "tester"
) -> dict[str, str]:
    token = issuer.issue(username=username, country=country, role=role)
    return {"Authorization": f"Bearer {token}"}
