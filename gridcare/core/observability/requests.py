"""Per-request observability, as one pure ASGI middleware for every GridCare service.

For each HTTP request `RequestMiddleware`:
- takes the caller's `X-Request-ID` when it is sane (at most 64 of `[A-Za-z0-9._-]`), else makes
  a new uuid4 hex, keeps it in a contextvar for the request's whole life (the JSON log formatter
  and the gateway's proxy read it through `current_request_id()`) and echoes it in the answer's
  `X-Request-ID` header, replacing any the application set (the gateway relays the country's);
- times the request and observes the duration in the service's latency histogram, labelled by
  method, route *template* (`/api/customers/{account_number}`, never the raw path, so the
  number of series stays bounded; `unmatched` when no route answered) and status class;
- writes one access line on the `gridcare.access` logger (method, route, status, duration_ms,
  request_id), at DEBUG for `/metrics` and `/health` so scrapes and probes do not flood the log.

A pure ASGI middleware (not `BaseHTTPMiddleware`) so streamed answers (the gateway's proxy,
exports) pass through untouched and contextvars reach the endpoint and its background tasks.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from starlette.routing import Match, Mount

if TYPE_CHECKING:
    from prometheus_client import Histogram
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
ACCESS_LOGGER = "gridcare.access"
UNMATCHED = "unmatched"
QUIET_ROUTES = frozenset({"/metrics", "/health"})
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_HEADER_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")
_request_id: ContextVar[str | None] = ContextVar("gridcare_request_id", default=None)
access_log = logging.getLogger(ACCESS_LOGGER)


def current_request_id() -> str | None:
    """The id of the request this code runs for; None outside a request (workers, CLI)."""
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(value: str | None) -> str:
    """`value` when it is a sane id (≤ 64 of `[A-Za-z0-9._-]`), else a new one."""
    if value is not None and _SANE_ID.fullmatch(value):
        return value
    return new_request_id()


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def route_template(scope: Scope, probe: Scope) -> str:
    """The template of the route that answered (`/api/customers/{account_number}`).

    Starlette leaves the matched route in `scope["route"]`; a mount (the gateway's portal) does
    not, so mounts are matched again against `probe`, the request as it came in.
    """
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(route, Mount):
        return f"{route.path}/{{path}}"
    if isinstance(path, str) and path:
        return path
    for candidate in getattr(scope.get("app"), "routes", ()):
        if isinstance(candidate, Mount) and candidate.matches(probe)[0] is Match.FULL:
            return f"{candidate.path}/{{path}}"
    return UNMATCHED


def _header(scope: Scope, key: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == key:
            return str(value.decode("latin-1"))
    return None


class RequestMiddleware:
    def __init__(self, app: ASGIApp, *, request_duration: Histogram | None = None) -> None:
        self.app = app
        self.request_duration = request_duration

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accept_request_id(_header(scope, _HEADER_KEY))
        token = _request_id.set(request_id)
        method = scope["method"] if scope["method"] in METHODS else "other"
        probe: dict[str, Any] = {
            "type": "http",
            "method": scope["method"],
            "path": scope["path"],
            "root_path": scope.get("root_path", ""),
        }
        status = 500  # when the application fails before it answers
        echoed = (_HEADER_KEY, request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    (name, value)
                    for name, value in message.get("headers", ())
                    if name.lower() != _HEADER_KEY
                ]
                message["headers"] = [*headers, echoed]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope, probe)
            if self.request_duration is not None:
                self.request_duration.labels(method, route, status_class(status)).observe(elapsed)
            duration_ms = round(elapsed * 1000, 1)
            access_log.log(
                logging.DEBUG if route in QUIET_ROUTES else logging.INFO,
                "%s %s %s %.1f ms",
                method,
                route,
                status,
                duration_ms,
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": duration_ms,
                    "request_id": request_id,
                },
            )
            _request_id.reset(token)
