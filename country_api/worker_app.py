"""The worker process as a small ASGI app: its lifespan runs the country's workers; it answers
`/health` (the database and every worker alive) for the orchestrator's checks and `/metrics`
(worker lag, import progress, the credit backlog) for the scraper.

`gridcare worker --country ls` serves it; it has no API routes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from country_api.observability import install as install_observability
from country_api.resources import CountryResources
from country_api.workers import worker_pool
from gridcare.core.workers import WorkerPool


def create_worker_app(
    resources: CountryResources | None = None, *, only: list[str] | None = None
) -> FastAPI:
    resources = resources or CountryResources.build(verifies_tokens=False)
    pool = worker_pool(resources, only=only)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with pool:
            yield
        resources.engine.dispose()

    app = FastAPI(title=f"GridCare {resources.country.name} workers", lifespan=lifespan)
    app.state.resources = resources
    install_observability(app, settings=resources.settings, engine=resources.engine)

    @app.get("/health")
    async def health() -> JSONResponse:
        database = await run_in_threadpool(_database_state, resources)
        return _health_answer(resources, pool, database)

    return app


def _database_state(resources: CountryResources) -> str:
    try:
        with resources.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return f"unreachable: {type(error).__name__}"
    return "ok"


def _health_answer(
    resources: CountryResources, pool: WorkerPool[CountryResources], database: str
) -> JSONResponse:
    stopped = pool.stopped()
    healthy = database == "ok" and not stopped
    body = {
        "status": "ok" if healthy else "degraded",
        "country": resources.country.code,
        "database": database,
        "workers": pool.names,
        "stopped": stopped,
    }
    return JSONResponse(body, status_code=200 if healthy else 503)
