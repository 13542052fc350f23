"""Country API apps wired to a test database and a test token issuer."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from country_api.config import Settings
from country_api.main import create_app
from country_api.resources import CountryResources
from country_api.workers import WORKERS
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


TEST_JWKS_URL = "http://gateway.test/.well-known/jwks.json"
"""Never fetched over the network: tests hand the apps `jwks_transport(issuer)`."""


def country_settings(code: str, database_url: str, **overrides: Any) -> Settings:
    overrides.setdefault("jwks_url", TEST_JWKS_URL)
    with country_env(code):
        return Settings(database_url=database_url, **overrides)


def jwks_transport(issuer: TokenIssuer) -> httpx.MockTransport:
    """Serves the issuer's public JWKS, as the gateway's `/.well-known/jwks.json` does."""
    return httpx.MockTransport(lambda request: httpx.Response(200, json=issuer.jwks()))


RESOURCE_PARTS = frozenset(
    {"parsers", "platform_for", "clock", "credit_retry", "koios_client_factory"}
)


def country_resources(
    code: str, database_url: str, issuer: TokenIssuer, **overrides: Any
) -> CountryResources:
    """Resources on a test database trusting `issuer`; `overrides` are settings, or parts of
    the resources (`platform_for`, `credit_retry`, `parsers`, `clock`, `koios_client_factory`)."""
    parts = {name: overrides.pop(name) for name in RESOURCE_PARTS & overrides.keys()}
    settings = country_settings(code, database_url, **overrides)
    return CountryResources.build(
        settings,
        engine=make_engine(database_url, pool_size=5),
        jwks_transport=jwks_transport(issuer),
        **parts,
    )


def country_app(
    code: str,
    database_url: str,
    issuer: TokenIssuer,
    *,
    with_workers: bool = False,
    **overrides: Any,
) -> FastAPI:
    """A country API for tests: no background workers unless `with_workers`."""
    resources = country_resources(code, database_url, issuer, **overrides)
    return create_app(resources, with_workers=with_workers)


@asynccontextmanager
async def running(
    app: FastAPI, base_url: str = "http://country"
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client speaking to the app in-process, with its lifespan (start-up) run."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client
    app.state.resources.engine.dispose()  # a country's or the gateway's


def app_resources(app: FastAPI) -> CountryResources:
    """The resources a test app was built with (what `deps.py` hands to routes)."""
    resources: CountryResources = app.state.resources
    return resources


def bearer(
    issuer: TokenIssuer, *, country: str = "LS", role: str = "superadmin", username: str = "tester"
) -> dict[str, str]:
    token = issuer.issue(username=username, country=country, role=role)
    return {"Authorization": f"Bearer {token}"}


def running_workers() -> set[str]:
    """The country workers running as tasks in this event loop (`WorkerPool` names each task
    after its worker): which workers an app started, without waiting to see what they do."""
    names = {spec.name for spec in WORKERS}
    return {task.get_name() for task in asyncio.all_tasks() if not task.done()} & names
