"""Where background work runs: never in the API alone; in `gridcare worker` (any number of
copies, each credit pushed once); in the API when asked (`--with-workers`, the demo)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from country_api.main import create_app
from country_api.worker_app import create_worker_app
from country_api.workers import WORKERS, worker_pool
from federation_gateway.tokens import TokenIssuer
from gridcare.cli import app as cli
from tests.country_api.payments.factories import (
    GATEWAY_KEY,
    add_account,
    mpesa,
    post_sms,
    rows,
    sms,
)
from tests.country_api.payments.test_outbox import NO_WAIT, koios_for
from tests.fakes.koios import FakeKoios
from tests.support.countries import country_resources, running
from tests.support.waiting import eventually, eventually_blocking

GATEWAY_KEYS = {"sms_gateway_keys": GATEWAY_KEY}


async def pay(client: httpx.AsyncClient, txn: str) -> int:
    # 120, not 100: a payment equal to the whole remaining fee debt goes wholly to fees
    body = await post_sms(client, sms(mpesa("120.00", txn=txn)))
    assert body["results"][0]["outcome"] == "payment", body
    return int(body["results"][0]["payment_id"])


def test_the_command_line_documents_both_ways_of_running_workers() -> None:
    runner = CliRunner()
    worker = runner.invoke(cli, ["worker", "--help"])
    serve = runner.invoke(cli, ["serve", "country", "--help"])
    assert worker.exit_code == 0 and "--country" in worker.output
    assert serve.exit_code == 0 and "--with-workers" in serve.output


def test_every_worker_has_a_unique_name_and_says_what_it_does() -> None:
    names = [spec.name for spec in WORKERS]
    assert len(names) == len(set(names))
    assert all(spec.description for spec in WORKERS)


async def test_the_api_alone_pushes_nothing_and_the_worker_pushes_it(
    ls_db: str, issuer: TokenIssuer
) -> None:
    with FakeKoios() as koios:
        options = {"platform_for": koios_for(koios), "credit_retry": NO_WAIT, **GATEWAY_KEYS}
        api = country_resources("ls", ls_db, issuer, **options)
        async with running(create_app(api)) as client:
            add_account(ls_db, "0252SHG")
            payment = await pay(client, "APIONLY1")
            # Nothing runs in the background that could push it: no task but this test's.
            assert asyncio.all_tasks() == {asyncio.current_task()}
            assert koios.credits == {}
            workers = country_resources("ls", ls_db, issuer, **options)
            worker_app = create_worker_app(workers, only=["credit-outbox"])
            async with running(worker_app, base_url="http://worker") as worker:
                await eventually(lambda: str(payment) in koios.credits)
                health = await worker.get("/health")
    assert health.status_code == 200
    assert health.json()["workers"] == ["credit-outbox"]
    assert rows(ls_db, "SELECT status FROM credit_outbox") == [("done",)]


async def test_two_worker_processes_side_by_side_push_each_credit_once(
    ls_db: str, issuer: TokenIssuer
) -> None:
    with FakeKoios() as koios:
        options = {"platform_for": koios_for(koios), "credit_retry": NO_WAIT, **GATEWAY_KEYS}
        api = country_resources("ls", ls_db, issuer, **options)
        async with running(create_app(api)) as client:
            add_account(ls_db, "0252SHG")
            payments = [await pay(client, f"PAIR{n:04d}") for n in range(30)]
            copies = [country_resources("ls", ls_db, issuer, **options) for _ in range(2)]
            async with (
                worker_pool(copies[0], only=["credit-outbox"]),
                worker_pool(copies[1], only=["credit-outbox"]),
            ):
                await eventually(lambda: len(koios.credits) == len(payments))
            for copy in copies:
                copy.engine.dispose()
    assert sorted(koios.credits) == sorted(str(p) for p in payments)
    assert sum(koios.repeats.values()) == 0
    assert rows(ls_db, "SELECT count(*) FROM credit_outbox WHERE status = 'done'") == [(30,)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_gridcare_worker_runs_as_its_own_process_and_stops_on_sigterm(ls_db: str) -> None:
    port = free_port()
    env = {
        **os.environ,
        "GRIDCARE_DATABASE_URL": ls_db,
        "GRIDCARE_JWKS_URL": "http://127.0.0.1:9/.well-known/jwks.json",  # never fetched here
    }
    gridcare = Path(sys.executable).parent / "gridcare"
    process = subprocess.Popen(
        [str(gridcare), "worker", "--country", "ls", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        answers: list[httpx.Response] = []

        def answered() -> bool:
            assert process.poll() is None, "the worker process exited"
            try:
                answers.append(httpx.get(f"http://127.0.0.1:{port}/health", timeout=1))
            except httpx.TransportError:
                return False
            return True

        eventually_blocking(answered, within=30, every=0.1, message="the worker's /health")
        [answer] = answers
        assert answer.status_code == 200
        assert {"credit-outbox", "rollup-refresh", "partitions"} <= set(answer.json()["workers"])
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert "gridcare_worker_last_success_timestamp_seconds" in metrics.text
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert process.returncode in (0, -15), output
