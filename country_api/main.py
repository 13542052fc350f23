"""`create_app`: one country's API, wired from its settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from country_api.auth import JwksCache
from country_api.config import Settings, load_settings
from country_api.observability import install as install_observability
from country_api.routers import ROUTERS
from country_api.sites.service import sync_sites
from gridcare.core.db import make_engine
from gridcare.core.errors import install_error_handlers


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    jwks_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or load_settings()
    if engine is None:
        if settings.database_url is None:
            raise RuntimeError("GRIDCARE_DATABASE_URL is not set")
        engine = make_engine(settings.database_url.get_secret_value())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with Session(engine) as session:
            sync_sites(session=session, country=settings.country)
        yield

    app = FastAPI(
        title=f"GridCare {settings.country.name} API",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.jwks = JwksCache(settings.jwks_url, transport=jwks_transport)
    install_error_handlers(app)
    install_observability(app, settings=settings, engine=engine)  # /metrics, request ids
    for router in ROUTERS:
        app.include_router(router)
    return app
