"""What every request must pass before a GridCare app sees it: `HttpGuard`, one pure ASGI
middleware installed by every service (`install_http_guards`).

In order, before the application reads anything:
- a NUL byte in the path or the query string → 422 (PostgreSQL text cannot hold one, and no
  name, number or search ever contains it);
- a body on a path that needs a credential, sent with no credential header at all
  (`Authorization`, HTTP Basic included, `X-Gateway-Key`, `X-IoT-Key`) → 401 before a byte of
  it is read. Whether the credential is *valid* stays the route's business;
- a body larger than the route's limit (`BodyLimits`: a small table, 1 MiB by default) → 413 at
  once when `Content-Length` says so, else as soon as the chunks read so far pass the limit:
  reading stops there, so no more than the limit (plus the one chunk that crossed it) is read;
- a JSON body holding a NUL byte (raw, or the JSON escape `\\u0000`), or JSON nested deeper than
  `max_json_depth` (64) → 422 naming the problem. Python's parser would recurse ~1,000 levels
  and then fail with a `RecursionError`.

The body is read once here (it is at most the route's limit) and handed to the application
as one message, so routes read it as usual. Answers are the one error shape
(`gridcare.core.errors`); streamed answers pass through untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from gridcare.core.errors import document_errors, error_body

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

KiB = 1024
MiB = 1024 * KiB
DEFAULT_BODY_LIMIT = 1 * MiB
MAX_JSON_DEPTH = 64
CREDENTIAL_HEADERS = frozenset({b"authorization", b"x-gateway-key", b"x-iot-key"})

_OPENING = frozenset(b"[{")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_NUL_ESCAPE = b"\\u0000"


@dataclass(frozen=True)
class BodyLimits:
    """The largest body each route accepts: the first pattern (a regular expression matched
    against the whole path) that matches gives the limit, else `default`."""

    default: int = DEFAULT_BODY_LIMIT
    routes: tuple[tuple[str, int], ...] = ()
    _compiled: tuple[tuple[re.Pattern[str], int], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        compiled = tuple((re.compile(pattern), limit) for pattern, limit in self.routes)
        object.__setattr__(self, "_compiled", compiled)

    def for_path(self, path: str) -> int:
        for pattern, limit in self._compiled:
            if pattern.fullmatch(path):
                return limit
        return self.default


class Refusal(Exception):
    """A request refused before the application saw it; becomes the one error shape."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = [{"field": field, "message": message}] if field else []


def json_problem(
    body: bytes, *, max_depth: int = MAX_JSON_DEPTH, allow_nul: bool = False
) -> str | None:
    """Why `body` may not be passed on (a NUL byte, nesting deeper than `max_depth`), or None.

    Fast on ordinary bodies: two substring searches, and a look at the brackets only when the
    body has more of them than `max_depth`.
    """
    if b"\x00" in body:
        return "the body contains a NUL byte"
    if not allow_nul and _NUL_ESCAPE in body and _has_nul_escape(body):
        return "the body contains a NUL character (\\u0000)"
    if body.count(b"[") + body.count(b"{") > max_depth and _deeper_than(body, max_depth):
        return f"the body is nested more than {max_depth} levels deep"
    return None


def _has_nul_escape(body: bytes) -> bool:
    """`\\u0000` as an escape, not as the text `\\\\u0000` (an escaped backslash, then u0000)."""
    start = body.find(_NUL_ESCAPE)
    while start != -1:
        backslashes = 0
        while start - backslashes - 1 >= 0 and body[start - backslashes - 1] == ord("\\"):
            backslashes += 1
        if backslashes % 2 == 0:
            return True
        start = body.find(_NUL_ESCAPE, start + 1)
    return False


def _deeper_than(body: bytes, max_depth: int) -> bool:
    """Whether arrays and objects nest more than `max_depth` deep, brackets inside strings not
    counted. Escapes are dropped first (an escaped backslash, then an escaped quote), so every
    quote left delimits a string and the text between pairs of them is outside any string."""
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[::2])
    depth = 0
    for bracket in outside.translate(None, _NOT_BRACKETS):
        depth += 1 if bracket in _OPENING else -1
        if depth > max_depth:
            return True
    return False


def install_http_guards(
    app: FastAPI,
    *,
    limits: BodyLimits,
    needs_credential: Callable[[str], bool] = lambda path: False,
    keeps_nul: Callable[[str], bool] = lambda path: False,
) -> None:
    """`HttpGuard` around `app` (install it before the observability middleware, so refusals
    are counted and logged too), and the answers it gives in the app's OpenAPI document.

    `keeps_nul`: routes whose bodies may carry a NUL character because the route judges each
    item on its own (the SMS gateway's batch: one odd message must not refuse the others)."""
    app.add_middleware(
        HttpGuard, limits=limits, needs_credential=needs_credential, keeps_nul=keeps_nul
    )

    def guard_responses(path: str, method: str, operation: dict[str, Any]) -> dict[int, str]:
        responses = {422: "invalid input: a NUL byte, JSON nested too deep, or a field"}
        if "requestBody" in operation:
            limit = limits.for_path(path)
            responses[400] = "the body cannot be read as JSON (not UTF-8 text)"
            responses[413] = f"the body is larger than this route accepts ({limit} bytes)"
            if needs_credential(path):
                responses[401] = "no valid credentials"
        return responses

    document_errors(app, guard_responses)


class HttpGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: BodyLimits,
        needs_credential: Callable[[str], bool] = lambda path: False,
        keeps_nul: Callable[[str], bool] = lambda path: False,
        credential_headers: Iterable[bytes] = CREDENTIAL_HEADERS,
        max_json_depth: int = MAX_JSON_DEPTH,
    ) -> None:
        self.app = app
        self.keeps_nul = keeps_nul
        self.limits = limits
        self.needs_credential = needs_credential
        self.credential_headers = frozenset(credential_headers)
        self.max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            body = await self._admit(scope, receive)
        except Refusal as refusal:
            await _refuse(send, refusal)
            return
        except _ClientGone:
            return
        await self.app(scope, _replay(body, receive), send)

    async def _admit(self, scope: Scope, receive: Receive) -> bytes:
        """The request's body once the request passed every check."""
        path: str = scope["path"]
        if "\x00" in path:
            raise Refusal(422, "validation_error", "the path contains a NUL byte", field="path")
        query: bytes = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            raise Refusal(
                422, "validation_error", "the query string contains a NUL byte", field="query"
            )
        headers = dict(_lower_headers(scope))
        length = _content_length(headers)
        announced = b"transfer-encoding" in headers or bool(length)
        credential_missing = self.needs_credential(path) and not any(
            headers.get(name, b"").strip() for name in self.credential_headers
        )
        if announced and credential_missing:
            raise _no_credential()
        limit = self.limits.for_path(path)
        if length is not None and length > limit:
            raise _too_large(limit)
        body = await _read_body(receive, limit)
        if not body:
            return body
        if credential_missing:  # a body no header announced (HTTP/2 without a length)
            raise _no_credential()
        if headers.get(b"content-encoding") or not _is_json(headers.get(b"content-type", b"")):
            # An upload (a spreadsheet is binary) or a compressed body (the SMS gateway app may
            # gzip): the route reads it, inflating within its own bound.
            return body
        problem = json_problem(body, max_depth=self.max_json_depth, allow_nul=self.keeps_nul(path))
        if problem is not None:
            raise Refusal(422, "validation_error", problem, field="body")
        return body


def _is_json(content_type: bytes) -> bool:
    """JSON, or no declared type (FastAPI reads an undeclared body as JSON too)."""
    media = content_type.split(b";", 1)[0].strip().lower()
    return not media or media == b"application/json" or media.endswith(b"+json")


class _ClientGone(Exception):
    """The client disconnected before its body ended: there is no one to answer."""


def _lower_headers(scope: Scope) -> Iterable[tuple[bytes, bytes]]:
    for name, value in scope.get("headers", ()):
        yield name.lower(), value


def _content_length(headers: dict[bytes, bytes]) -> int | None:
    raw = headers.get(b"content-length")
    if raw is None:
        return None
    try:
        length = int(raw)
    except ValueError:
        raise Refusal(400, "bad_request", "Content-Length is not a number") from None
    if length < 0:
        raise Refusal(400, "bad_request", "Content-Length is negative")
    return length


def _no_credential() -> Refusal:
    return Refusal(
        401,
        "unauthorized",
        "a request with a body needs credentials (Authorization, X-Gateway-Key or X-IoT-Key):"
        " none was sent",
    )


def _too_large(limit: int) -> Refusal:
    return Refusal(
        413, "body_too_large", f"the body is larger than this route accepts ({limit} bytes)"
    )


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The whole body, refused with 413 as soon as it passes `limit` (reading stops there)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` for the application: the body read here, then the client's own messages
    (`http.disconnect`, which streamed answers wait for)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(send: Send, refusal: Refusal) -> None:
    content = json.dumps(
        error_body(refusal.code, refusal.message, refusal.fields), separators=(",", ":")
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
        (b"connection", b"close"),  # the unread rest of the body is not waited for
    ]
    if refusal.status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": content})
