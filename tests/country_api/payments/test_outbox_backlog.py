"""The credit outbox backlog: counted, served to the portal, logged for the CloudWatch alarm."""

import asyncio
import json
import logging
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from country_api.payments.backlog import (
    METRIC_LOGGER,
    Backlog,
    log_backlog,
    outbox_backlog,
)
from country_api.workers import worker_pool
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import make_engine
from gridcare.core.workers import Periodic
from tests.country_api.payments.factories import (
    add_account,
    client_for,
    ls_app,
    mpesa,
    post_sms,
    rows,
    sms,
)
from tests.support.countries import country_resources, running_workers
from tests.support.waiting import eventually

Auth = Callable[..., dict[str, str]]


@pytest.fixture
def engine(ls_db: str) -> Iterator[Engine]:
    engine = make_engine(ls_db, pool_size=2)
    yield engine
    engine.dispose()


async def outbox_in_every_state(ls_pay: httpx.AsyncClient, ls_db: str) -> None:
    """Four credits: pending for 300 s, pending for 30 s, dead for an hour, done."""
    add_account(ls_db, "0252SHG")
    for txn in ("BACKLOG1", "BACKLOG2", "BACKLOG3", "BACKLOG4"):
        body = await post_sms(ls_pay, sms(mpesa("100.00", txn=txn)))
        assert body["results"][0]["outcome"] == "payment"
    states = [
        ("pending", 300, "BACKLOG1"),
        ("pending", 30, "BACKLOG2"),
        ("dead", 3600, "BACKLOG3"),
        ("done", 7200, "BACKLOG4"),
    ]
    for status, age, txn in states:
        rows(
            ls_db,
            "UPDATE credit_outbox o SET status = %s,"
            " created_at = now() - make_interval(secs => %s)"
            " FROM payments p WHERE p.id = o.payment_id AND p.reference = %s RETURNING o.id",
            status,
            age,
            txn,
        )
    assert sorted(rows(ls_db, "SELECT status FROM credit_outbox")) == [
        ("dead",),
        ("done",),
        ("pending",),
        ("pending",),
    ]


def assert_the_backlog(pending: int, dead: int, oldest_pending_seconds: int) -> None:
    assert (pending, dead) == (2, 1)
    assert 300 <= oldest_pending_seconds < 330  # the older pending credit, not the dead one


async def test_the_backlog_counts_pending_and_dead_and_ages_the_oldest_pending(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine, auth: Auth
) -> None:
    await outbox_in_every_state(ls_pay, ls_db)
    with Session(engine) as session:
        backlog = outbox_backlog(session=session)
    assert_the_backlog(backlog.pending, backlog.dead, backlog.oldest_pending_seconds)

    answer = await ls_pay.get("/api/payments/outbox/backlog", headers=auth(role="finance"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"pending", "dead", "oldest_pending_seconds"}
    assert_the_backlog(body["pending"], body["dead"], body["oldest_pending_seconds"])
    assert (await ls_pay.get("/api/payments/outbox/backlog")).status_code == 401


async def test_an_empty_outbox_has_no_backlog(ls_pay: httpx.AsyncClient, auth: Auth) -> None:
    answer = await ls_pay.get("/api/payments/outbox/backlog", headers=auth())
    assert answer.json() == {"pending": 0, "dead": 0, "oldest_pending_seconds": 0}


def metric_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [
        json.loads(record.getMessage()) for record in caplog.records if record.name == METRIC_LOGGER
    ]


async def wait_for_lines(caplog: pytest.LogCaptureFixture, count: int) -> list[dict[str, object]]:
    await eventually(
        lambda: len(metric_lines(caplog)) >= count,
        message=lambda: f"{count} backlog lines: {metric_lines(caplog)}",
    )
    return metric_lines(caplog)


async def test_the_backlog_is_logged_as_one_json_line_per_interval(
    ls_pay: httpx.AsyncClient,
    ls_db: str,
    issuer: TokenIssuer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await outbox_in_every_state(ls_pay, ls_db)
    caplog.set_level(logging.INFO, logger=METRIC_LOGGER)
    caplog.clear()  # the line `ls_pay` logged as it started, before these payments
    capsys.readouterr()
    resources = country_resources("ls", ls_db, issuer, outbox_metric_interval_seconds=0.1)
    async with worker_pool(resources, only=["credit-backlog"]):
        lines = await wait_for_lines(caplog, 2)
    resources.engine.dispose()

    assert {line["metric"] for line in lines} == {"CreditOutboxBacklog"}
    assert {line["country"] for line in lines} == {"LS"}
    first = Backlog.model_validate(lines[0])
    assert_the_backlog(first.pending, first.dead, first.oldest_pending_seconds)
    # On stdout the line is bare JSON: what the CloudWatch metric filter `{ $.metric = … }` reads.
    printed = [line for line in capsys.readouterr().out.splitlines() if "CreditOutbox" in line]
    assert printed and json.loads(printed[0]) == lines[0]


async def test_the_logger_survives_a_database_it_cannot_reach(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unreachable = make_engine("postgresql://postgres@127.0.0.1:1/none", pool_size=1)
    worker = Periodic(
        "credit-backlog", lambda: log_backlog(engine=unreachable, country_code="LS"), 0.05
    )
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))

    def failures() -> list[logging.LogRecord]:
        return [r for r in caplog.records if "credit-backlog failed" in r.getMessage()]

    await eventually(lambda: len(failures()) >= 2, message="two failed passes")
    stop.set()
    await asyncio.wait_for(task, 5)  # ends when told to, without raising
    unreachable.dispose()
    assert not metric_lines(caplog)


async def test_the_running_api_logs_the_backlog_at_start_up(
    ls_db: str, issuer: TokenIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=METRIC_LOGGER)
    async with client_for(
        ls_app(ls_db, issuer, with_workers=True, outbox_metric_interval_seconds=3600)
    ):
        [line] = await wait_for_lines(caplog, 1)
    assert line == {
        "metric": "CreditOutboxBacklog",
        "country": "LS",
        "pending": 0,
        "dead": 0,
        "oldest_pending_seconds": 0,
    }
    async with client_for(
        ls_app(ls_db, issuer, with_workers=True, outbox_metric_interval_seconds=0)
    ):
        workers = running_workers()
    assert "credit-outbox" in workers and "credit-backlog" not in workers  # 0 turns it off
    assert len(metric_lines(caplog)) == 1
