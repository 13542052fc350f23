"""Observability shared by every GridCare service: Prometheus metrics (`metrics`), structured
JSON logs (`logs`) and the per-request middleware that ties them with a request id
(`requests`). A service wires all three with one call to `install_observability`."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI
from prometheus_client.registry import Collector
from pydantic import SecretStr

from gridcare.core.observability.metrics import (
    ServiceMetrics,
    add_metrics_route,
    count_import_rows,
    count_sms,
    mark_worker_pass,
    service_metrics,
)
from gridcare.core.observability.requests import RequestMiddleware, current_request_id

__all__ = [
    "count_import_rows",
    "count_sms",
    "current_request_id",
    "install_observability",
    "mark_worker_pass",
]


def install_observability(
    app: FastAPI,
    *,
    service: str,
    country: str | None = None,
    domain_metrics: bool = False,
    collectors: Iterable[Collector] = (),
    protect_metrics: bool = False,
    metrics_token: SecretStr | None = None,
) -> ServiceMetrics:
    """The app's metrics registry (`app.state.metrics`), `GET /metrics`, and the request
    middleware (request id, latency, access log). Call before the app's other routes so that
    `/metrics` is matched before any catch-all."""
    metrics = service_metrics(
        service=service,
        country=country,
        version=app.version,
        domain=domain_metrics,
        collectors=collectors,
    )
    app.state.metrics = metrics
    app.add_middleware(RequestMiddleware, request_duration=metrics.request_duration)
    add_metrics_route(app, metrics.registry, protected=protect_metrics, token=metrics_token)
    return metrics
