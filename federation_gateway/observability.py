"""The gateway's metrics, request ids and access log (gridcare/core/observability).

The gateway faces the internet, so its `GET /metrics` is not public: it answers only with
`Authorization: Bearer <GRIDCARE_METRICS_TOKEN>` (401 otherwise), and 404, as if there were no
such route, while `GRIDCARE_METRICS_TOKEN` is unset. A bearer token rather than a second,
internal port because a port means a second server in the process (uvicorn serves one), a
second container port, target group and health check in every deployment, and a catch-all (the
portal) on the public port that must still never answer `/metrics`; a token is one secret the
scraper already knows how to send (`authorization: {credentials_file: …}` in a Prometheus scrape
config) and the route stays in one place. The token is compared in constant time.

The gateway's registry holds request latency per route template and the process collectors,
not the country domain counters: those are each country API's own `/metrics`, which the proxy
never reaches (it forwards `/api/{cc}/…` to `/api/…` only, refusing `.` and `..` segments).
"""

from __future__ import annotations

from fastapi import FastAPI

from federation_gateway.config import Settings
from gridcare.core.observability import install_observability


def install(app: FastAPI, *, settings: Settings) -> None:
    install_observability(
        app,
        service="federation_gateway",
        protect_metrics=True,
        metrics_token=settings.metrics_token,
    )
