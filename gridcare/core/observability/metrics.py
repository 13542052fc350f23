"""Prometheus metrics for the GridCare services.

Each app gets its own `CollectorRegistry` (`service_metrics`), never the client's global
default one, so a process (or a test session) may build any number of apps without
`Duplicated timeseries` errors. An app's registry holds:

- `gridcare_http_request_duration_seconds{method,route,status}`: a histogram, observed by
  `requests.RequestMiddleware`; `route` is the route template and `status` the class (`2xx`);
- `gridcare_service_info{service,country,version}`: always 1, to tell the targets apart;
- the client's process, platform and GC collectors (memory, CPU, open files, GC passes);
- for a country API (`domain=True`), the domain metrics below, and any collector it adds
  (the credit outbox backlog: `OutboxBacklogCollector`).

The domain metrics are counted where the work happens (an SMS ingest, an import batch, a worker
pass), far from any app, so they are process-wide: one object each, registered in the
registry of every country app the process builds. Production runs one app per process, so
there they are that app's; tests building several apps should compare before and after.

- `gridcare_sms_messages_total{outcome}`: SMS ingested through the gateway, by outcome
  (`count_sms`);
- `gridcare_import_rows_total{source}`: meter readings or hourly rows stored by an import
  (`koios`, `thundercloud`, `hourly_csv`; `count_import_rows`);
- `gridcare_worker_last_success_timestamp_seconds{worker}`: when a background loop last
  finished a pass without error (`mark_worker_pass`); lag is `time() - this`. A loop that
  only runs on traffic (`mqtt_telemetry`) also ages when no message comes.

The credit outbox backlog is read at scrape time from the database (`OutboxBacklogCollector`),
bounded by a statement timeout: every API copy reports the same database-wide truth, as the
`gridcare.metrics` log line does (country_api/payments/backlog.py).
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    GC_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from pydantic import SecretStr
from sqlalchemy import Engine, text
from sqlmodel import Session

from gridcare.core.errors import NotFound, Unauthorized

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BACKLOG_TIMEOUT_MS = 2000

SMS_MESSAGES = Counter(
    "gridcare_sms_messages_total",
    "SMS ingested through the SMS gateway, by outcome.",
    ["outcome"],
    registry=None,
)
IMPORT_ROWS = Counter(
    "gridcare_import_rows_total",
    "Rows stored by meter-data imports, by source.",
    ["source"],
    registry=None,
)
WORKER_LAST_SUCCESS = Gauge(
    "gridcare_worker_last_success_timestamp_seconds",
    "Unix time at which a background worker last finished a pass without error.",
    ["worker"],
    registry=None,
)
DOMAIN_METRICS: tuple[Collector, ...] = (SMS_MESSAGES, IMPORT_ROWS, WORKER_LAST_SUCCESS)


def declare(*, sms_outcomes: Iterable[str] = (), import_sources: Iterable[str] = ()) -> None:
    """Show these label values at 0 before anything is counted, so that `rate()` and
    `absent()` work from the first scrape."""
    for outcome in sms_outcomes:
        SMS_MESSAGES.labels(str(outcome))
    for source in import_sources:
        IMPORT_ROWS.labels(source)


def count_sms(outcome: str) -> None:
    """One SMS ingested with `outcome` (`payment`, `unmatched`, `duplicate`, …)."""
    SMS_MESSAGES.labels(str(outcome)).inc()


def count_import_rows(source: str, rows: int) -> None:
    """`rows` more rows stored by the `source` import."""
    if rows > 0:
        IMPORT_ROWS.labels(source).inc(rows)


def mark_worker_pass(worker: str) -> None:
    """The `worker` loop finished a pass without error, now."""
    WORKER_LAST_SUCCESS.labels(worker).set(time.time())


class OutboxNumbers(Protocol):
    @property
    def pending(self) -> int: ...
    @property
    def dead(self) -> int: ...
    @property
    def oldest_pending_seconds(self) -> int: ...


class OutboxBacklogCollector:
    """The credit outbox backlog, read from the database at each scrape.

    `read` is the country API's backlog query (`outbox_backlog`); it runs with a statement
    timeout of `timeout_ms`, so a slow database makes a short scrape without these numbers
    (`gridcare_credit_outbox_backlog_up 0`) rather than a hung one.
    """

    def __init__(
        self,
        engine: Engine,
        read: Callable[[Session], OutboxNumbers],
        *,
        timeout_ms: int = BACKLOG_TIMEOUT_MS,
    ) -> None:
        self.engine = engine
        self.read = read
        self.timeout_ms = timeout_ms

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, ...]:
        return (
            GaugeMetricFamily(
                "gridcare_credit_outbox_pending",
                "Credits not yet accepted by the meter platform (including those to retry).",
            ),
            GaugeMetricFamily(
                "gridcare_credit_outbox_dead", "Credits given up on (retry-credits revives them)."
            ),
            GaugeMetricFamily(
                "gridcare_credit_outbox_oldest_pending_age_seconds",
                "How long the oldest pending credit has waited; 0 when none waits.",
            ),
            GaugeMetricFamily(
                "gridcare_credit_outbox_backlog_up",
                "1 when this scrape read the backlog from the database, 0 when it could not.",
            ),
        )

    def describe(self) -> Iterable[Metric]:
        return self._families()

    def collect(self) -> Iterator[Metric]:
        pending, dead, oldest, up = self._families()
        try:
            with Session(self.engine) as session:
                session.execute(
                    text("SELECT set_config('statement_timeout', :ms, true)"),
                    {"ms": str(int(self.timeout_ms))},
                )
                numbers = self.read(session)
        except Exception as error:  # a scrape never fails for this; `up` says what happened
            log.warning("credit outbox backlog not measured for /metrics: %s", error)
            up.add_metric([], 0)
            yield up
            return
        pending.add_metric([], numbers.pending)
        dead.add_metric([], numbers.dead)
        oldest.add_metric([], numbers.oldest_pending_seconds)
        up.add_metric([], 1)
        yield from (pending, dead, oldest, up)


@dataclass(frozen=True)
class ServiceMetrics:
    registry: CollectorRegistry
    request_duration: Histogram


def service_metrics(
    *,
    service: str,
    country: str | None = None,
    version: str = "",
    domain: bool = False,
    collectors: Iterable[Collector] = (),
) -> ServiceMetrics:
    """A fresh registry for one app (see the module docstring for what it holds)."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    registry.register(GC_COLLECTOR)
    info = Gauge(
        "gridcare_service_info",
        "The service this target is: always 1.",
        ["service", "country", "version"],
        registry=registry,
    )
    info.labels(service, country or "", version).set(1)
    request_duration = Histogram(
        "gridcare_http_request_duration_seconds",
        "HTTP request latency by method, route template and status class.",
        ["method", "route", "status"],
        buckets=LATENCY_BUCKETS,
        registry=registry,
    )
    for collector in (*(DOMAIN_METRICS if domain else ()), *collectors):
        registry.register(collector)
    return ServiceMetrics(registry=registry, request_duration=request_duration)


def exposition(registry: CollectorRegistry, accept: str | None) -> Response:
    """The registry in the format the scraper asked for (Prometheus text by default)."""
    encoder, content_type = choose_encoder(accept or "")
    return Response(encoder(registry), media_type=content_type)


def _bearer_matches(request: Request, token: SecretStr) -> bool:
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    expected = token.get_secret_value().encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), expected)


def add_metrics_route(
    app: FastAPI,
    registry: CollectorRegistry,
    *,
    protected: bool = False,
    token: SecretStr | None = None,
) -> None:
    """`GET /metrics`, kept out of the OpenAPI document.

    `protected`: only with `Authorization: Bearer <token>` (401 otherwise), and 404, as if there
    were no such route, while no token is configured.
    """

    def metrics(request: Request) -> Response:  # sync: the backlog query runs in a thread
        if protected:
            if token is None or not token.get_secret_value():
                raise NotFound("Not Found")
            if not _bearer_matches(request, token):
                raise Unauthorized("metrics need the bearer token (GRIDCARE_METRICS_TOKEN)")
        return exposition(registry, request.headers.get("accept"))

    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
