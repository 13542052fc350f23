"""`gridcare worker`: a country's background workers in a process of their own."""

from __future__ import annotations

import os

import typer
import uvicorn

from gridcare.core.observability.logs import configure_logging

WORKER_PORT_OFFSET = 1000
"""The worker's health port defaults to the country API's port + this (LS: 9101)."""


def worker(
    country: str = typer.Option(..., "--country", help="Country file name: ls, bn, zm."),
    only: list[str] = typer.Option(
        [], "--only", help="Run only this worker (repeatable); every enabled worker by default."
    ),
    host: str = typer.Option("127.0.0.1", help="Address of the health endpoint."),
    port: int | None = typer.Option(
        None, help="Port of the health endpoint; the country's api.port + 1000 by default."
    ),
) -> None:
    """Run the country's background workers (credit outbox, rollup refresh, scheduled imports,
    MQTT telemetry, partitions) against GRIDCARE_DATABASE_URL, with GET /health for the
    orchestrator. Any number of copies may run: each worker claims its own work. The list of
    workers and what each does is in country_api/workers.py."""
    os.environ["GRIDCARE_COUNTRY"] = country.lower()
    from country_api.config import load_settings
    from country_api.resources import CountryResources
    from country_api.worker_app import create_worker_app

    settings = load_settings()
    configure_logging("country_worker", settings.country.code)
    resources = CountryResources.build(settings, verifies_tokens=False)
    app = create_worker_app(resources, only=only or None)
    uvicorn.run(
        app,
        host=host,
        port=port or int(settings.country.api.port) + WORKER_PORT_OFFSET,
        log_level="info",
        log_config=None,
        access_log=False,
    )
