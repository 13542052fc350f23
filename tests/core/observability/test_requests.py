"""The request middleware on a bare app: request ids, route templates, the access line."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gridcare.core.errors import install_error_handlers
from gridcare.core.observability import current_request_id, install_observability
from gridcare.core.observability.requests import ACCESS_LOGGER, accept_request_id
from tests.support.metrics import value

HISTOGRAM = "gridcare_http_request_duration_seconds_count"


def bare_app(portal: Path | None = None) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_observability(app, service="test")

    @app.get("/api/customers/{account_number}")
    def customer(account_number: str) -> dict[str, str | None]:
        return {"account_number": account_number, "request_id": current_request_id()}

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    if portal is not None:
        app.mount("/", StaticFiles(directory=portal, html=True), name="portal")
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=bare_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-123", True),
        ("A.b_c-9", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("", False),
        ("has space", False),
        ("new\nline", False),
        ("semi;colon", False),
        ("ünïcode", False),
        (None, False),
    ],
)
def test_only_a_sane_request_id_is_accepted(given: str | None, kept: bool) -> None:
    accepted = accept_request_id(given)
    if kept:
        assert accepted == given
    else:
        assert accepted != given
        assert len(accepted) == 32 and int(accepted, 16) >= 0  # a uuid4 hex


async def test_the_request_id_is_taken_echoed_and_seen_by_the_endpoint(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.get("/api/customers/0252SHG", headers={"X-Request-ID": "trace-42"})
    assert answer.headers["x-request-id"] == "trace-42"
    assert answer.json()["request_id"] == "trace-42"

    bad = await client.get("/api/customers/0252SHG", headers={"X-Request-ID": "a b"})
    generated = bad.headers["x-request-id"]
    assert generated != "a b" and len(generated) == 32
    assert bad.json()["request_id"] == generated
    assert current_request_id() is None  # nothing leaks out of the request


async def test_latency_is_recorded_per_route_template_and_status_class(
    client: httpx.AsyncClient,
) -> None:
    for account in ("0001MAK", "0002MAK", "0003SHG"):
        assert (await client.get(f"/api/customers/{account}")).status_code == 200
    assert (await client.get("/no/such/path")).status_code == 404
    assert (await client.post("/api/customers/0001MAK")).status_code == 405
    assert (await client.get("/api/boom")).status_code == 500

    text = (await client.get("/metrics")).text
    route = "/api/customers/{account_number}"
    assert value(text, HISTOGRAM, method="GET", route=route, status="2xx") == 3
    assert value(text, HISTOGRAM, method="POST", route=route, status="4xx") == 1
    assert value(text, HISTOGRAM, method="GET", route="unmatched", status="4xx") == 1
    assert value(text, HISTOGRAM, method="GET", route="/api/boom", status="5xx") == 1
    assert "0001MAK" not in text  # never the raw path


async def test_a_mounted_portal_is_one_route(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html></html>")
    transport = httpx.ASGITransport(app=bare_app(portal=tmp_path))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/")).status_code == 200
        assert (await client.get("/index.html")).status_code == 200
        text = (await client.get("/metrics")).text
    assert value(text, HISTOGRAM, method="GET", route="/{path}", status="2xx") == 2


async def test_one_access_line_per_request(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=ACCESS_LOGGER)
    await client.get("/api/customers/0252SHG", headers={"X-Request-ID": "line-1"})
    await client.get("/metrics")
    lines = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    assert len(lines) == 2
    first, scrape = lines
    assert first.levelno == logging.INFO
    assert first.getMessage().startswith("GET /api/customers/{account_number} 200 ")
    assert (first.method, first.route, first.status, first.request_id) == (  # type: ignore[attr-defined]
        "GET",
        "/api/customers/{account_number}",
        200,
        "line-1",
    )
    assert isinstance(first.duration_ms, float)  # type: ignore[attr-defined]
    assert scrape.levelno == logging.DEBUG  # scrapes and probes stay out of the INFO log
