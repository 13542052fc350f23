"""`GET /metrics` on a country API, on its real database: latency, SMS outcomes, the credit
outbox backlog, worker passes and import rows, in the Prometheus text format."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest

from country_api.imports.hourly_csv import import_hourly_csv
from country_api.observability import _read_backlog
from country_api.workers import worker_pool
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import make_engine
from gridcare.core.observability.metrics import OutboxBacklogCollector
from tests.country_api.metering.conftest import add_account as add_metered_account
from tests.country_api.payments.factories import (
    add_account,
    client_for,
    ls_app,
    mpesa,
    post_sms,
    sms,
)
from tests.country_api.payments.test_outbox_backlog import outbox_in_every_state
from tests.support.countries import country_app, country_resources, running
from tests.support.metrics import value
from tests.support.waiting import eventually

Auth = Callable[..., dict[str, str]]
HISTOGRAM = "gridcare_http_request_duration_seconds_count"
SMS = "gridcare_sms_messages_total"


@pytest.fixture
async def ls_pay(ls_db: str, issuer: TokenIssuer) -> AsyncIterator[httpx.AsyncClient]:
    """The Lesotho API with gateway keys set and no outbox worker of its own."""
    async with client_for(ls_app(ls_db, issuer)) as client:
        yield client


async def scrape(client: httpx.AsyncClient) -> str:
    answer = await client.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return answer.text


async def test_metrics_answer_prometheus_text_with_the_latency_of_each_route(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    assert (await ls_client.get("/api/config")).status_code == 200
    lookup = await ls_client.get("/api/customers/0999MAK", headers=auth())
    assert lookup.status_code == 404
    assert (await ls_client.get("/api/no-such-thing")).status_code == 404

    text = await scrape(ls_client)
    assert value(text, HISTOGRAM, method="GET", route="/api/config", status="2xx") == 1
    route = "/api/customers/{account_number}"
    assert value(text, HISTOGRAM, method="GET", route=route, status="4xx") == 1
    assert value(text, HISTOGRAM, method="GET", route="unmatched", status="4xx") == 1
    assert "0999MAK" not in text
    assert "# TYPE gridcare_http_request_duration_seconds histogram" in text
    info = value(
        text, "gridcare_service_info", service="country_api", country="LS", version="0.1.0"
    )
    assert info == 1
    assert value(text, "process_resident_memory_bytes") is not None


async def test_metrics_and_health_stay_out_of_the_openapi_document(
    ls_client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    paths = (await ls_client.get("/openapi.json", headers=auth("viewer"))).json()["paths"]
    assert "/metrics" not in paths
    assert "/health" not in paths
    assert "/api/config" in paths


async def test_each_sms_outcome_is_counted(ls_pay: httpx.AsyncClient, ls_db: str) -> None:
    before = await scrape(ls_pay)
    add_account(ls_db, "0252SHG")
    paid = sms(mpesa("100.00", txn="METRIC01"))
    body = await post_sms(ls_pay, paid, sms("hello, is my meter on?", sender="26650000001"))
    assert [r["outcome"] for r in body["results"]] == ["payment", "unparsed"]
    again = await post_sms(ls_pay, paid)
    assert again["results"][0]["outcome"] == "duplicate"

    after = await scrape(ls_pay)
    for outcome in ("payment", "unparsed", "duplicate"):
        counted = value(after, SMS, outcome=outcome) or 0
        assert counted - (value(before, SMS, outcome=outcome) or 0) == 1, outcome


async def test_the_outbox_backlog_is_read_from_the_database_at_each_scrape(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    empty = await scrape(ls_pay)
    assert value(empty, "gridcare_credit_outbox_pending") == 0
    assert value(empty, "gridcare_credit_outbox_backlog_up") == 1

    await outbox_in_every_state(ls_pay, ls_db)  # pending 300 s and 30 s, dead, done
    text = await scrape(ls_pay)
    assert value(text, "gridcare_credit_outbox_pending") == 2
    assert value(text, "gridcare_credit_outbox_dead") == 1
    oldest = value(text, "gridcare_credit_outbox_oldest_pending_age_seconds")
    assert oldest is not None and 300 <= oldest < 330
    assert value(text, "gridcare_credit_outbox_backlog_up") == 1


def test_a_database_it_cannot_read_makes_a_short_scrape_not_a_failed_one() -> None:
    unreachable = make_engine("postgresql://postgres@127.0.0.1:1/none", pool_size=1)
    registry = CollectorRegistry()
    registry.register(OutboxBacklogCollector(unreachable, _read_backlog))
    try:
        text = generate_latest(registry).decode()
    finally:
        unreachable.dispose()
    assert value(text, "gridcare_credit_outbox_backlog_up") == 0
    assert value(text, "gridcare_credit_outbox_pending") is None  # absent, not a false 0


def test_a_slow_backlog_query_is_cut_by_the_statement_timeout(ls_db: str) -> None:
    engine = make_engine(ls_db, pool_size=1)
    registry = CollectorRegistry()

    def slow(session: object) -> object:
        from sqlalchemy import text

        session.execute(text("SELECT pg_sleep(5)"))  # type: ignore[attr-defined]
        raise AssertionError("the statement timeout should have cut this")

    registry.register(OutboxBacklogCollector(engine, slow, timeout_ms=100))  # type: ignore[arg-type]
    try:
        text = generate_latest(registry).decode()
    finally:
        engine.dispose()
    assert value(text, "gridcare_credit_outbox_backlog_up") == 0


async def test_worker_passes_are_timestamped(
    ls_pay: httpx.AsyncClient, ls_db: str, issuer: TokenIssuer
) -> None:
    gauge = "gridcare_worker_last_success_timestamp_seconds"
    before = value(await scrape(ls_pay), gauge, worker="credit-outbox") or 0
    resources = country_resources("ls", ls_db, issuer, rollup_refresh_seconds=0.05)
    try:
        async with worker_pool(resources, only=["credit-outbox", "rollup-refresh"]):
            scraped = [""]

            async def both_passed() -> bool:
                scraped[0] = text = await scrape(ls_pay)
                credit = value(text, gauge, worker="credit-outbox") or 0
                rollups = value(text, gauge, worker="rollup-refresh") or 0
                return credit > before and rollups > before

            await eventually(
                both_passed, message=lambda: f"a pass of each worker recorded:\n{scraped[0]}"
            )
    finally:
        resources.engine.dispose()


async def test_import_rows_are_counted_by_source(
    tmp_path: Path, bn_db: str, issuer: TokenIssuer
) -> None:
    add_metered_account(bn_db, "0001SAM", [("M1", "primary")])
    path = tmp_path / "hours.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("hour_local,customer_01\n2024-02-01T00:00,0.0430\n2024-02-01T01:00,0.0420\n")
    async with running(country_app("bn", bn_db, issuer)) as client:
        before = value(await scrape(client), "gridcare_import_rows_total", source="hourly_csv")
        engine = make_engine(bn_db, pool_size=1)
        try:
            report = await asyncio.to_thread(
                import_hourly_csv, engine=engine, path=path, site_code="SAM"
            )
        finally:
            engine.dispose()
        after = value(await scrape(client), "gridcare_import_rows_total", source="hourly_csv")
    assert report.rows == 2
    assert (after or 0) - (before or 0) == 2


async def test_the_request_id_is_echoed_or_made(ls_client: httpx.AsyncClient) -> None:
    kept = await ls_client.get("/api/config", headers={"X-Request-ID": "gw-0001"})
    assert kept.headers["x-request-id"] == "gw-0001"
    made = await ls_client.get("/api/config", headers={"X-Request-ID": "../../etc/passwd"})
    assert made.headers["x-request-id"] != "../../etc/passwd"
    assert len(made.headers["x-request-id"]) == 32


async def test_a_fresh_app_has_its_own_registry(ls_db: str, issuer: TokenIssuer) -> None:
    """Apps built one after another in one process do not collide nor share latency."""
    async with client_for(ls_app(ls_db, issuer)) as first:
        await first.get("/api/config")
    async with client_for(ls_app(ls_db, issuer)) as second:
        text = await scrape(second)
    assert value(text, HISTOGRAM, method="GET", route="/api/config", status="2xx") is None


async def test_every_sms_outcome_and_import_source_shows_from_the_first_scrape(
    ls_client: httpx.AsyncClient,
) -> None:
    text = await scrape(ls_client)
    for outcome in ("payment", "fee", "unmatched", "parked", "unparsed", "rejected", "duplicate"):
        assert value(text, SMS, outcome=outcome) is not None, outcome
    for source in ("koios", "thundercloud", "hourly_csv"):
        assert value(text, "gridcare_import_rows_total", source=source) is not None, source
