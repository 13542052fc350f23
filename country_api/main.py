"""`create_app`: one country's API, wired from its resources.

At start-up the database is made ready (`startup.py`); the background workers
(`workers.py`) run inside the API only when asked (`--with-workers`, the demo), else in their
own process (`gridcare worker`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from country_api.auth import current_staff
from country_api.deps import Resources
from country_api.observability import install as install_observability
from country_api.resources import CountryResources
from country_api.routers import ROUTERS
from country_api.startup import prepare_database
from country_api.wiring import wire_domains
from country_api.workers import worker_pool
from gridcare.core.errors import install_error_handlers
from gridcare.core.http_guards import BodyLimits, MiB, install_http_guards
from gridcare.core.web import docs_options, install_web_defaults

BODY_LIMITS = BodyLimits(
    default=1 * MiB,
    routes=(
        ("/api/sms/incoming", 4 * MiB),  # up to 500 SMS of up to 5,000 characters
        ("/api/customers/import", 11 * MiB),  # a field team's sheet (10 MB at most)
    ),
)
"""The largest body each route reads; every route needs a credential to send one
(gridcare/core/http_guards.py)."""


def create_app(
    resources: CountryResources | None = None, *, with_workers: bool | None = None
) -> FastAPI:
    """The app; `with_workers` defaults to the `GRIDCARE_RUN_WORKERS` setting (off)."""
    resources = resources or CountryResources.build()
    wire_domains()
    run_workers = resources.settings.run_workers if with_workers is None else with_workers

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(prepare_database, resources)
        async with AsyncExitStack() as stack:
            if run_workers:
                await stack.enter_async_context(worker_pool(resources))
            yield

    app = FastAPI(
        title=f"GridCare {resources.country.name} API",
        version="0.1.0",
        lifespan=lifespan,
        **docs_options(public=resources.settings.demo),
    )
    served: Resources = resources  # what deps.py reads: the type checker holds them together
    app.state.resources = served  # read through country_api/deps.py only
    install_error_handlers(app)
    install_web_defaults(app, public_docs=resources.settings.demo, staff=current_staff)
    install_http_guards(
        app,
        limits=BODY_LIMITS,
        needs_credential=lambda path: True,
        keeps_nul=lambda path: path == "/api/sms/incoming",
    )
    install_observability(app, settings=resources.settings, engine=resources.engine)
    for router in ROUTERS:
        app.include_router(router)
    return app
