"""The country API's metrics, request ids and access log (gridcare/core/observability).

`GET /metrics` answers without a token: a country API sits on the internal network, reached by
the gateway and the scraper only, and the gateway's proxy forwards `/api/{cc}/…` to `/api/…`
alone, never to `/metrics`. Besides the request latency and the process-wide domain counters,
the registry holds the credit outbox backlog, read from the database at each scrape.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from country_api.config import Settings
from country_api.payments.backlog import Backlog, outbox_backlog
from country_api.sms.models import Outcome
from gridcare.core.observability import install_observability
from gridcare.core.observability.metrics import OutboxBacklogCollector, declare

IMPORT_SOURCES = ("koios", "thundercloud", "hourly_csv")


def _read_backlog(session: Session) -> Backlog:
    return outbox_backlog(session=session)


def install(app: FastAPI, *, settings: Settings, engine: Engine) -> None:
    install_observability(
        app,
        service="country_api",
        country=settings.code,
        domain_metrics=True,
        collectors=[OutboxBacklogCollector(engine, _read_backlog)],
    )
    declare(sms_outcomes=[outcome.value for outcome in Outcome], import_sources=IMPORT_SOURCES)
