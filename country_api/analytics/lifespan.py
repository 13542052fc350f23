"""While the API runs, drain the rollup queue every little while, so that a report right after
a bulk import does not pay for the whole import (reports still drain what is left first)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from country_api.analytics.rollups import refresh_pending
from gridcare.core.countries import CountryConfig
from gridcare.core.observability import mark_worker_pass

log = logging.getLogger(__name__)

REFRESH_SECONDS = 30.0


def drain_queue(engine: Engine, country: CountryConfig) -> int:
    with Session(engine) as session:
        queued = refresh_pending(session=session, timezone=country.timezone)
        session.commit()
    return queued


async def _refresh_forever(
    engine: Engine, country: CountryConfig, every: float, stop: asyncio.Event
) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        if stop.is_set():
            return
        try:
            await asyncio.to_thread(drain_queue, engine, country)
            mark_worker_pass("analytics_rollups")
        except Exception:  # the next round retries; reports drain the queue themselves
            log.exception("rollup refresh failed")


@contextlib.asynccontextmanager
async def analytics_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """`app.state.analytics_refresh_seconds` (default 30; 0 turns the refresher off)."""
    every = float(getattr(app.state, "analytics_refresh_seconds", REFRESH_SECONDS))
    stop = asyncio.Event()
    task = None
    if every > 0:
        task = asyncio.create_task(
            _refresh_forever(app.state.engine, app.state.settings.country, every, stop),
            name="analytics-rollups",
        )
    try:
        yield
    finally:
        stop.set()
        if task is not None:
            try:
                await asyncio.wait_for(task, 60)
            except TimeoutError:
                task.cancel()
