"""`create_app`: the federation gateway (log-in, JWKS, `/api/{country}/…` proxy)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from federation_gateway.auth.router import router as auth_router
from federation_gateway.cache import Cache
from federation_gateway.claims import bearer_claims
from federation_gateway.config import Settings, load_settings
from federation_gateway.employees.router import router as employees_router
from federation_gateway.observability import install as install_observability
from federation_gateway.portal import mount_portal
from federation_gateway.proxy.router import router as proxy_router
from federation_gateway.resources import GatewayResources
from federation_gateway.rollups.router import router as rollups_router
from federation_gateway.system.router import router as system_router
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import make_engine
from gridcare.core.errors import install_error_handlers
from gridcare.core.http_guards import BodyLimits, KiB, MiB, install_http_guards
from gridcare.core.web import docs_options, install_web_defaults

log = logging.getLogger(__name__)

BODY_LIMITS = BodyLimits(
    default=1 * MiB,
    routes=(
        ("/api/[^/]+/sms/incoming", 4 * MiB),  # the country API's own limits, through the proxy
        ("/auth/.*", 64 * KiB),
    ),
)
"""The largest body each route reads (gridcare/core/http_guards.py). Under `/api/` a body
needs a credential header; log-in (`/auth/…`) is how one gets a credential."""


def _needs_credential(path: str) -> bool:
    return path.startswith("/api/")


def make_issuer(settings: Settings) -> TokenIssuer:
    options = {"issuer": settings.token_issuer, "ttl_seconds": settings.token_ttl_seconds}
    if settings.gateway_signing_key is not None:
        return TokenIssuer.from_jwk_json(settings.gateway_signing_key.get_secret_value(), **options)
    log.warning(
        "GRIDCARE_GATEWAY_SIGNING_KEY is not set: signing with a key generated for this process;"
        " tokens stop verifying when it restarts and differ between gateway instances"
    )
    return TokenIssuer.generate(**options)


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    country_transport: httpx.AsyncBaseTransport | None = None,
    rollup_cache: Cache | None = None,
) -> FastAPI:
    """The gateway app. `country_transport` carries proxied calls (tests route them in-process)."""
    settings = settings or load_settings()
    if engine is None:
        if settings.gateway_database_url is None:
            raise RuntimeError("GRIDCARE_GATEWAY_DATABASE_URL is not set")
        engine = make_engine(settings.gateway_database_url.get_secret_value(), max_overflow=10)
    resources = GatewayResources(
        settings=settings,
        engine=engine,
        issuer=make_issuer(settings),
        login_limiter=GatewayResources.limiter_for(settings),
        country_transport=country_transport,
        rollup_cache=rollup_cache,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        async with httpx.AsyncClient(
            transport=country_transport, limits=limits, follow_redirects=False
        ) as client:
            resources.http = client
            yield
            resources.http = None

    app = FastAPI(
        title="GridCare federation gateway",
        version="0.1.0",
        lifespan=lifespan,
        **docs_options(public=settings.demo),
    )
    app.state.resources = resources  # read through federation_gateway/deps.py only
    install_error_handlers(app)
    install_web_defaults(app, public_docs=settings.demo, staff=bearer_claims)
    install_http_guards(app, limits=BODY_LIMITS, needs_credential=_needs_credential)
    install_observability(app, settings=settings)  # /metrics (bearer token), request ids
    app.include_router(system_router)
    app.include_router(auth_router)
    app.include_router(employees_router)  # before the proxy's /api/{cc}/…
    app.include_router(rollups_router)  # before the proxy's /api/{cc}/…
    app.include_router(proxy_router)
    mount_portal(app, settings.frontend_dir)  # last: it answers every path no route claims
    return app
