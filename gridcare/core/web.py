"""What every GridCare HTTP service sends and hides: security headers on every answer, and the
API description open only in the demo.

Headers: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy`, a
Content-Security-Policy that allows the portal's own scripts, styles and calls only and no
framing, and HSTS when the request came over HTTPS. The interactive `/docs` (which loads its
script from a CDN) gets no CSP and exists only in the demo.

Outside the demo `/docs` is off and `/openapi.json` answers only with a staff token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PORTAL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
NO_CSP_PATHS = ("/docs", "/redoc")
COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers to every HTTP answer (streams untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(COMMON)
        if not str(scope.get("path", "")).startswith(NO_CSP_PATHS):
            extra.append((b"content-security-policy", PORTAL_CSP.encode()))
        if scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", HSTS.encode()))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def docs_options(*, public: bool) -> dict[str, Any]:
    """`FastAPI(...)` keyword arguments: the docs and the schema route open only when public."""
    if public:
        return {}
    return {"docs_url": None, "redoc_url": None, "openapi_url": None}


def add_private_openapi(app: FastAPI, staff: Callable[..., Any]) -> None:
    """`GET /openapi.json` for callers the `staff` dependency accepts (a logged-in employee)."""

    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    app.add_api_route(
        "/openapi.json",
        openapi,
        methods=["GET"],
        include_in_schema=False,
        dependencies=[Depends(staff)],
    )


def install_web_defaults(app: FastAPI, *, public_docs: bool, staff: Callable[..., Any]) -> None:
    app.add_middleware(SecurityHeaders)
    if not public_docs:
        add_private_openapi(app, staff)
