"""The gateway's `/metrics` (bearer token only), the proxy never reaching a country's
`/metrics`, and one request id across the gateway and the country API."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import FastAPI

from federation_gateway.main import create_app
from gridcare.core.db import make_engine
from gridcare.core.observability.requests import ACCESS_LOGGER
from tests.federation_gateway.conftest import Federation, gateway_settings
from tests.support.countries import running
from tests.support.metrics import value

TOKEN = "scrape-token-for-tests"
HISTOGRAM = "gridcare_http_request_duration_seconds_count"
PROXY_ROUTE = "/api/{cc}/{path}"


def gateway(gateway_db: str, **overrides: object) -> FastAPI:
    settings = gateway_settings(gateway_db, **overrides)
    return create_app(settings, engine=make_engine(gateway_db, pool_size=2))


async def test_without_a_configured_token_the_gateway_has_no_metrics(gateway_db: str) -> None:
    async with running(gateway(gateway_db), base_url="http://gateway") as client:
        answer = await client.get("/metrics", headers={"Authorization": "Bearer anything"})
        missing = await client.get("/api/no-such-route")
    assert answer.status_code == 404
    assert answer.json() == missing.json()  # indistinguishable from a route that is not there


async def test_the_gateway_metrics_need_the_bearer_token(gateway_db: str) -> None:
    async with running(gateway(gateway_db, metrics_token=TOKEN), base_url="http://gateway") as c:
        await c.get("/api/countries")
        refused = [
            await c.get("/metrics"),
            await c.get("/metrics", headers={"Authorization": "Bearer wrong"}),
            await c.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}),
            await c.get("/metrics", headers={"Authorization": TOKEN}),
        ]
        served = await c.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert [answer.status_code for answer in refused] == [401] * 4
    assert refused[0].json()["error"]["code"] == "unauthorized"
    assert refused[0].headers["www-authenticate"] == "Bearer"
    assert TOKEN not in refused[1].text
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/plain")
    text = served.text
    assert value(text, HISTOGRAM, method="GET", route="/api/countries", status="2xx") == 1
    assert value(text, HISTOGRAM, method="GET", route="/metrics", status="4xx") == 4
    info = value(
        text, "gridcare_service_info", service="federation_gateway", country="", version="0.1.0"
    )
    assert info == 1
    assert "gridcare_sms_messages_total" not in text  # the countries' own, not the gateway's


def test_the_token_comes_from_the_environment(
    gateway_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDCARE_METRICS_TOKEN", TOKEN)
    settings = gateway_settings(gateway_db)
    assert settings.metrics_token is not None
    assert settings.metrics_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings)


async def test_metrics_and_health_stay_out_of_the_openapi_document(gateway_db: str) -> None:
    demo = create_app(gateway_settings(gateway_db, demo=True))
    async with running(demo, base_url="http://gateway") as client:
        paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/metrics" not in paths
    assert "/health" not in paths


@pytest.mark.parametrize(
    "path",
    [
        "/api/ls/%2E%2E/metrics",
        "/api/ls/..%2Fmetrics",
        "/api/ls/sites/..%2F..%2Fmetrics",
        "/api/ls/sites/%2E%2E/%2E%2E/metrics",
        "/api/ls/%2E/config",
    ],
)
async def test_the_proxy_never_leaves_the_country_api(federation: Federation, path: str) -> None:
    answer = await federation.client.get(path)
    assert answer.status_code == 404, answer.text
    assert "gridcare_" not in answer.text
    assert answer.json()["error"]["code"] == "not_found"
    ls = federation.countries["ls"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=ls), base_url="http://ls.test"
    ) as direct:
        text = (await direct.get("/metrics")).text
    assert value(text, HISTOGRAM, method="GET", route="/metrics", status="2xx") is None
    assert value(text, HISTOGRAM, method="GET", route="/api/config", status="2xx") is None


async def test_a_decoded_question_mark_stays_in_the_forwarded_path(
    federation: Federation,
) -> None:
    answer = await federation.client.get("/api/ls/config%3Fx=1")
    assert answer.status_code == 404  # /api/config?x=1 would have answered 200
    assert (await federation.client.get("/api/ls/config")).status_code == 200


def access_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == ACCESS_LOGGER]


async def test_one_request_id_spans_the_gateway_and_the_country_api(
    federation: Federation, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    answer = await federation.client.get("/api/ls/config", headers={"X-Request-ID": "trace-1"})
    assert answer.status_code == 200
    assert answer.headers.get_list("x-request-id") == ["trace-1"]
    lines = {record.route: record.request_id for record in access_lines(caplog)}  # type: ignore[attr-defined]
    assert lines == {PROXY_ROUTE: "trace-1", "/api/config": "trace-1"}


async def test_the_gateway_id_replaces_an_insane_one_all_the_way(
    federation: Federation, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    answer = await federation.client.get(
        "/api/ls/config", headers={"X-Request-ID": "not a sane id; DROP TABLE"}
    )
    [generated] = answer.headers.get_list("x-request-id")
    assert generated != "not a sane id; DROP TABLE" and len(generated) == 32
    lines = {record.route: record.request_id for record in access_lines(caplog)}  # type: ignore[attr-defined]
    assert lines == {PROXY_ROUTE: generated, "/api/config": generated}
