"""What the payments domain does while the API runs: seed the default tariff, run the worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from sqlmodel import Session

from country_api.payments.backlog import log_backlog_every
from country_api.payments.outbox import CreditWorker, PlatformFor
from country_api.plugins.meters.factory import platform_for_site
from country_api.tariffs.service import seed_country_default
from gridcare.core.countries import CountryConfig

log = logging.getLogger(__name__)


def default_platform_for(country: CountryConfig) -> PlatformFor:
    return lambda site_code: platform_for_site(country, site_code)


@contextlib.asynccontextmanager
async def payments_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Starts the credit outbox worker and its backlog log line (backlog.py) when
    `features.meter_credit` is on.

    Tests and benchmarks may set `app.state.credit_platform_for` (site → platform) and
    `app.state.credit_worker_options` before start-up.
    """
    country: CountryConfig = app.state.settings.country
    engine = app.state.engine

    def _seed() -> None:
        with Session(engine) as session:
            seed_country_default(session=session, country=country)

    await asyncio.to_thread(_seed)
    task: asyncio.Task[None] | None = None
    stop = asyncio.Event()
    if country.features.meter_credit and getattr(app.state, "credit_worker_enabled", True):
        platform_for = getattr(app.state, "credit_platform_for", None)
        worker = CreditWorker(
            engine=engine,
            platform_for=platform_for or default_platform_for(country),
            **getattr(app.state, "credit_worker_options", {}),
        )
        app.state.credit_worker = worker
        task = asyncio.create_task(worker.run(stop), name="credit-outbox")
    metrics: asyncio.Task[None] | None = None
    interval = app.state.settings.outbox_metric_interval_seconds
    if country.features.meter_credit and interval > 0:
        backlog = log_backlog_every(
            engine=engine, country_code=country.code, interval_seconds=interval, stop=stop
        )
        metrics = asyncio.create_task(backlog, name="credit-outbox-backlog")
    try:
        yield
    finally:
        stop.set()
        if metrics is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(metrics, 10)  # cancelled if a query hangs
        if task is not None:
            try:
                await asyncio.wait_for(task, 30)
            except TimeoutError:
                log.warning("credit outbox worker did not stop in time; cancelled")
                task.cancel()
