"""`HttpGuard` on its own: what it refuses, and how much of a body it reads before refusing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from gridcare.core.http_guards import BodyLimits, HttpGuard, KiB, json_problem

LIMITS = BodyLimits(default=16 * KiB, routes=(("/big", 64 * KiB), ("/api/[^/]+/upload", 32 * KiB)))


@dataclass
class Exchange:
    """One request through the guard: what the client sent and read, what the app saw."""

    app_bodies: list[bytes] = field(default_factory=list)
    bytes_read: int = 0
    receive_calls: int = 0
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def error(self) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(self.body)["error"]
        return answer


async def exchange(
    *,
    method: str = "POST",
    path: str = "/things",
    query: bytes = b"",
    headers: dict[str, str] | None = None,
    chunks: list[bytes] | None = None,
    content_length: bool = True,
    needs_credential: bool = True,
) -> Exchange:
    chunks = [] if chunks is None else chunks
    result = Exchange()
    raw_headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if content_length:
        raw_headers.append((b"content-length", str(sum(map(len, chunks))).encode()))
    elif chunks:
        raw_headers.append((b"transfer-encoding", b"chunked"))
    pending = list(chunks) or [b""]

    async def receive() -> dict[str, Any]:
        result.receive_calls += 1
        if not pending:
            return {"type": "http.disconnect"}
        chunk = pending.pop(0)
        result.bytes_read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        result.app_bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            result.status = message["status"]
            result.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        else:
            result.body += message.get("body", b"")

    guard = HttpGuard(app, limits=LIMITS, needs_credential=lambda path: needs_credential)
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query,
        "headers": raw_headers,
    }
    await guard(scope, receive, send)
    return result


BEARER = {"Authorization": "Bearer x"}


async def test_a_body_passes_through_whole_and_a_get_untouched() -> None:
    body = json.dumps({"name": "Palesa", "items": [[1, 2], {"a": "]]]]"}]}).encode()
    posted = await exchange(headers=BEARER, chunks=[body[:10], body[10:]])
    assert (posted.status, posted.app_bodies) == (200, [body])
    fetched = await exchange(method="GET", needs_credential=True)
    assert (fetched.status, fetched.app_bodies) == (200, [b""])


async def test_a_body_without_any_credential_header_is_401_before_a_byte_is_read() -> None:
    refused = await exchange(chunks=[b"x" * 20_000_000])
    assert refused.status == 401
    assert refused.receive_calls == 0 and refused.app_bodies == []
    assert refused.error["code"] == "unauthorized"
    assert refused.headers["www-authenticate"] == "Bearer"
    chunked = await exchange(chunks=[b"{}"] * 3, content_length=False)
    assert (chunked.status, chunked.receive_calls) == (401, 0)


@pytest.mark.parametrize(
    "credential",
    [
        {"Authorization": "Bearer not-even-checked-here"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-Gateway-Key": "k"},
        {"X-IoT-Key": "k"},
    ],
)
async def test_any_credential_header_lets_the_route_judge_it(credential: dict[str, str]) -> None:
    assert (await exchange(headers=credential, chunks=[b"{}"])).status == 200


async def test_paths_that_need_no_credential_take_bodies_without_one() -> None:
    assert (await exchange(chunks=[b"{}"], needs_credential=False)).status == 200


async def test_a_declared_length_over_the_limit_is_413_without_reading() -> None:
    refused = await exchange(headers=BEARER, chunks=[b"x" * (16 * KiB + 1)])
    assert refused.status == 413
    assert refused.receive_calls == 0
    assert refused.error["code"] == "body_too_large"
    assert "16384 bytes" in refused.error["message"]


async def test_a_streamed_body_stops_being_read_at_the_limit() -> None:
    chunks = [b"x" * KiB] * 20_000  # 20 MB in 1 KB chunks, no Content-Length
    refused = await exchange(headers=BEARER, chunks=chunks, content_length=False)
    assert refused.status == 413
    assert refused.app_bodies == []
    assert refused.bytes_read == 16 * KiB + KiB  # the limit, and the chunk that crossed it


async def test_limits_are_per_route() -> None:
    body = [b"x" * (40 * KiB)]
    assert (await exchange(path="/big", headers=BEARER, chunks=body)).status == 200
    assert (await exchange(path="/api/ls/upload", headers=BEARER, chunks=body)).status == 413
    assert (await exchange(path="/small", headers=BEARER, chunks=body)).status == 413


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [("/customers/\x00", b"", "path"), ("/customers", b"q=%00", "query")],
)
async def test_a_nul_in_the_path_or_query_is_422(path: str, query: bytes, field: str) -> None:
    refused = await exchange(method="GET", path=path, query=query)
    assert refused.status == 422
    assert refused.error["fields"][0]["field"] == field
    assert "NUL" in refused.error["message"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'{"name": "a\x00b"}', "NUL byte"),
        (b'{"name": "a\\u0000b"}', "NUL character"),
        (b'{"a\\u0000": 1}', "NUL character"),
        (b'{"name": "a\\\\\\u0000b"}', "NUL character"),  # \\ then the escape
        (b"[" * 65 + b"]" * 65, "nested more than 64"),
        (b'{"a":' * 1000 + b"1" + b"}" * 1000, "nested more than 64"),
    ],
)
async def test_nul_characters_and_deep_nesting_in_a_body_are_422(body: bytes, problem: str) -> None:
    refused = await exchange(headers=BEARER, chunks=[body])
    assert refused.status == 422
    assert problem in refused.error["message"]
    assert refused.error["fields"] == [{"field": "body", "message": refused.error["message"]}]
    assert refused.app_bodies == []


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "a\\\\u0000b"}',  # an escaped backslash, then the text u0000
        b"[" * 64 + b"]" * 64,
        b'{"text": "' + b"[" * 1000 + b'"}',  # brackets inside a string do not nest
        b'{"text": "\\"[[[[' + b"[" * 100 + b'"}',
        b"not json at all ]]]] [[[",
    ],
)
def test_what_is_not_a_problem(body: bytes) -> None:
    assert json_problem(body) is None
