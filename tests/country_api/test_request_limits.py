"""Bad input at a country API: a clear 4xx before any work, never a 500, never a huge read.

The guard itself is tested in tests/core/test_http_guards.py; here it is the real app: every
route that takes a body, over real HTTP where timing matters, and the bounds on ids, pages,
dates and text that routes declare (gridcare/core/inputs.py).
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from federation_gateway.tokens import TokenIssuer
from tests.support.countries import bearer, country_app
from tests.support.servers import listening_socket, serving

Auth = Callable[..., dict[str, str]]
TWENTY_MB = 20 * 1024 * 1024


async def test_every_route_refuses_an_unauthenticated_body_before_reading_it(
    ls_db: str, issuer: TokenIssuer
) -> None:
    app = country_app("ls", ls_db, issuer)
    routes = [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    ] + [("POST", "/health"), ("PUT", "/metrics"), ("DELETE", "/no-such-route")]
    assert len(routes) > 50
    answers = [
        (method, path, *await _status_and_reads(app, method, path)) for method, path in routes
    ]
    assert answers == [(method, path, 401, 0) for method, path in routes]


async def _status_and_reads(app: FastAPI, method: str, path: str) -> tuple[int, int]:
    """The status `app` answers an unauthenticated 20 MB request with, and how many times it
    asked for a piece of the body."""
    reads = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"country"), (b"content-length", str(TWENTY_MB).encode())],
        "client": ("127.0.0.1", 5000),
        "server": ("country", 80),
    }
    await app(scope, receive, send)
    return status, reads


def _answer_to(port: int, head: bytes, body: bytes) -> tuple[int, float]:
    """Sends `head` and as much of `body` as the server takes; its status and the seconds it
    took to answer."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(head)
        connection.settimeout(0.05)
        sent = 0
        answer = b""
        while b"\r\n" not in answer:
            try:
                answer += connection.recv(4096)
                continue
            except TimeoutError:
                pass
            if sent < len(body):
                with contextlib.suppress(OSError):  # the server closed it after answering
                    sent += connection.send(body[sent : sent + 65536])
            assert time.monotonic() - started < 10, "no answer"
        return int(answer.split(b" ")[1]), time.monotonic() - started


def test_a_20_mb_post_is_refused_at_once_over_real_http(ls_db: str, issuer: TokenIssuer) -> None:
    sock = listening_socket()
    port = sock.getsockname()[1]
    body = b'{"first_name": "' + b"x" * TWENTY_MB + b'"}'
    token = bearer(issuer)["Authorization"]

    def head(*lines: str) -> bytes:
        request = ["POST /api/customers HTTP/1.1", "Host: country", *lines, "", ""]
        return "\r\n".join(request).encode()

    with serving(country_app("ls", ls_db, issuer), sock):
        length = f"Content-Length: {len(body)}"
        unauthenticated = _answer_to(port, head("Content-Type: application/json", length), body)
        authenticated = _answer_to(port, head(f"Authorization: {token}", length), body)
        streamed = _answer_to(
            port, head(f"Authorization: {token}", "Transfer-Encoding: chunked"), _chunked(body)
        )
    assert unauthenticated[0] == 401 and unauthenticated[1] < 2
    assert authenticated[0] == 413 and authenticated[1] < 2
    assert streamed[0] == 413 and streamed[1] < 2


def _chunked(body: bytes, size: int = 65536) -> bytes:
    parts = [
        f"{len(body[i : i + size]):x}\r\n".encode() + body[i : i + size] + b"\r\n"
        for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/api/payments/2147483648", 404),
        ("GET", "/api/payments/0", 404),
        ("POST", "/api/payments/9999999999/reverse", 404),
        ("POST", "/api/sms/inbox/2147483648/allocate", 404),
        ("PATCH", "/api/sms/templates/2147483648", 404),
        ("POST", "/api/mutations/2147483648/revert", 404),
        ("GET", "/api/payments?page=999999999999999999", 422),
        ("GET", "/api/sms/inbox?page=1000001", 422),
        ("GET", "/api/tariffs?customer_id=2147483648", 422),
        ("GET", "/api/customers?q=%00", 422),
        ("GET", "/api/customers/0001%00MAK", 422),
        ("GET", "/api/accounts/0001MAK/consumption?to=9999-12-31T23:00:00-05:00", 422),
        ("GET", "/api/metering/check-meters?to=0001-01-01", 422),
        ("GET", "/api/exports/payments.xlsx?to=9999-12-31", 422),
        ("GET", "/api/om-report/quarterly.xlsx?quarter=9999Q4", 422),
    ],
)
async def test_ids_pages_dates_and_text_that_cannot_be_are_4xx(
    ls_client: httpx.AsyncClient, auth: Auth, method: str, path: str, expected: int
) -> None:
    body = {"account_number": "0001MAK", "reason": "typo", "active": True}
    content = json.dumps(body) if method != "GET" else None
    answer = await ls_client.request(
        method, path, content=content, headers={**auth(), "Content-Type": "application/json"}
    )
    assert answer.status_code == expected, answer.text
    assert set(answer.json()["error"]) == {"code", "message", "fields"}


LATE = "9999-12-31T23:00:00-05:00"  # past year 9999 once in UTC


@pytest.mark.parametrize(
    ("path", "body", "problem"),
    [
        ("/api/customers", {"first_name": "Pa\u0000lesa", "site_code": "MAK"}, "NUL"),
        ("/api/payments", {"account_number": "0001\u0000MAK", "amount": "5"}, "NUL"),
        ("/api/payments/1/reverse", {"reason": "typo\u0000"}, "NUL"),
        ("/api/customers", "[" * 1000 + "]" * 1000, "nested more than 64"),
        ("/api/payments", {"account_number": "0001MAK", "amount": "5", "paid_at": LATE}, "paid_at"),
        ("/api/tariffs", {"customer_id": 2**31, "rate_per_kwh": "5"}, "customer_id"),
    ],
)
async def test_bodies_that_cannot_be_stored_are_422_naming_the_problem(
    ls_client: httpx.AsyncClient, auth: Auth, path: str, body: Any, problem: str
) -> None:
    content = body if isinstance(body, str) else json.dumps(body)
    headers = {**auth(), "Content-Type": "application/json"}
    answer = await ls_client.post(path, content=content, headers=headers)
    assert answer.status_code == 422, answer.text
    assert problem in answer.json()["error"]["message"]


async def test_a_template_update_may_not_null_its_pattern_or_switch(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await ls_client.post(
        "/api/sms/templates",
        json={"name": "t", "provider": "p", "pattern": "paid {amount} ref {txn_id}"},
        headers=auth(),
    )
    template = created.json()["id"]
    for field in ("active", "pattern"):
        answer = await ls_client.patch(
            f"/api/sms/templates/{template}", json={field: None}, headers=auth()
        )
        assert answer.status_code == 422
        assert answer.json()["error"]["fields"] == [{"field": field, "message": "may not be null"}]
    kept = await ls_client.patch(
        f"/api/sms/templates/{template}", json={"active": False}, headers=auth()
    )
    assert kept.json()["active"] is False
    assert kept.json()["pattern"] == "paid {amount} ref {txn_id}"


def test_the_openapi_document_gives_every_error_the_one_shape(ls_db: str) -> None:
    document = country_app("ls", ls_db, TokenIssuer.generate()).openapi()
    post = document["paths"]["/api/customers"]["post"]["responses"]
    assert {"401", "413", "422"} <= post.keys()
    for status in ("401", "413", "422"):
        schema = post[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorAnswer"}
    assert "HTTPValidationError" not in document["components"]["schemas"]
    incoming = document["paths"]["/api/sms/incoming"]["post"]
    assert "messages" in json.dumps(incoming["requestBody"])
