"""The credit outbox against a fake Koios that fails, hangs and answers "already taken"."""

import asyncio
import random
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import Engine

from country_api.payments.dead_credits import revive_dead
from country_api.payments.outbox import CreditWorker, RetryPolicy
from country_api.plugins.meters.factory import platforms_from_env
from country_api.plugins.meters.koios import KoiosPlatform
from country_api.plugins.meters.protocol import (
    Credit,
    CreditResult,
    MeterPlatform,
    PlatformNotConfigured,
)
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import make_engine
from tests.country_api.payments.factories import (
    add_account,
    client_for,
    ls_app,
    mpesa,
    post_sms,
    rows,
    sms,
)
from tests.fakes.koios import FakeKoios
from tests.fakes.thundercloud import FakeThunderCloud
from tests.support.countries import country_settings
from tests.support.waiting import eventually

Auth = Callable[..., dict[str, str]]
NO_WAIT = RetryPolicy(max_attempts=3, base_seconds=0.0)


@pytest.fixture
def koios() -> Iterator[FakeKoios]:
    with FakeKoios() as fake:
        yield fake


@pytest.fixture
def engine(ls_db: str) -> Iterator[Engine]:
    engine = make_engine(ls_db, pool_size=4)
    yield engine
    engine.dispose()


def koios_for(fake: FakeKoios, timeout: float = 2.0) -> Callable[[str], MeterPlatform]:
    return lambda site: KoiosPlatform(
        base_url=fake.url, key=fake.api_key, secret=fake.api_secret, timeout=timeout
    )


def worker(engine: Engine, fake: FakeKoios, **options: object) -> CreditWorker:
    options.setdefault("policy", NO_WAIT)
    return CreditWorker(engine=engine, platform_for=koios_for(fake), **options)  # type: ignore[arg-type]


async def pay(ls_pay: httpx.AsyncClient, *txns: str) -> list[int]:
    ids = []
    for txn in txns:
        body = await post_sms(ls_pay, sms(mpesa("100.00", txn=txn)))
        assert body["results"][0]["outcome"] == "payment"
        ids.append(body["results"][0]["payment_id"])
    return ids


def outbox(ls_db: str) -> list[tuple[object, ...]]:
    return rows(ls_db, "SELECT payment_id, status, attempts FROM credit_outbox ORDER BY id")


async def test_a_credit_is_pushed_once_with_our_payment_id(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine, koios: FakeKoios, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG")
    [payment_id] = await pay(ls_pay, "OUTBOX01")
    report = await worker(engine, koios).drain()
    assert (report.claimed, report.applied) == (1, 1)
    credit = koios.credits[str(payment_id)]
    assert (credit.customer_code, credit.amount) == ("0252SHG", "50.00")  # fee half excluded
    assert outbox(ls_db) == [(payment_id, "done", 1)]
    listed = (await ls_pay.get("/api/payments", headers=auth())).json()
    assert listed["items"][0]["credit_status"] == "done"
    assert (await worker(engine, koios).drain()).claimed == 0


async def test_an_outage_is_retried_with_backoff_then_credited(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine, koios: FakeKoios
) -> None:
    add_account(ls_db, "0252SHG")
    [payment_id] = await pay(ls_pay, "OUTAGE01")
    slow = worker(engine, koios, policy=RetryPolicy(max_attempts=5, base_seconds=60))
    with koios.down():
        report = await slow.drain_once()
    assert (report.claimed, report.retried) == (1, 1)
    waits = rows(ls_db, "SELECT extract(epoch FROM next_attempt_at - now()) FROM credit_outbox")
    assert 25 < waits[0][0] <= 90  # 60 s ± 50% jitter
    assert (await slow.drain_once()).claimed == 0  # not due yet
    rows(ls_db, "UPDATE credit_outbox SET next_attempt_at = now() RETURNING id")
    assert (await slow.drain()).applied == 1
    assert outbox(ls_db) == [(payment_id, "done", 2)]
    assert list(koios.credits) == [str(payment_id)]


async def test_an_outage_of_hours_keeps_the_credit_pending_for_a_day(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine, koios: FakeKoios
) -> None:
    add_account(ls_db, "0252SHG")
    [payment_id] = await pay(ls_pay, "LONGOUT1")
    patient = worker(engine, koios, policy=RetryPolicy(base_seconds=0.0))  # the default day
    due = "UPDATE credit_outbox SET next_attempt_at = now() RETURNING id"
    aged = "UPDATE credit_outbox SET created_at = now() - interval '{}' RETURNING id"
    with koios.down():
        for _ in range(30):  # many more attempts than the old cap of 8
            assert (await patient.drain_once()).retried == 1
            rows(ls_db, due)
        rows(ls_db, aged.format("23 hours"))
        assert (await patient.drain_once()).retried == 1
        rows(ls_db, due)
        rows(ls_db, aged.format("25 hours"))
        assert (await patient.drain_once()).dead == 1
    assert outbox(ls_db) == [(payment_id, "dead", 32)]


async def test_a_site_without_a_configured_platform_keeps_its_credit_pending(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine
) -> None:
    add_account(ls_db, "0252SHG")
    [payment_id] = await pay(ls_pay, "NOCONF01")
    rows(ls_db, "UPDATE credit_outbox SET created_at = now() - interval '3 days' RETURNING id")

    def unconfigured(site: str) -> MeterPlatform:
        raise PlatformNotConfigured("GRIDCARE_KOIOS_URL is not set")

    waiting = CreditWorker(engine=engine, platform_for=unconfigured, policy=NO_WAIT)
    for _ in range(5):
        report = await waiting.drain_once()
        assert report.retried == 1 and "GRIDCARE_KOIOS_URL" in report.errors[0]
        rows(ls_db, "UPDATE credit_outbox SET next_attempt_at = now() RETURNING id")
    assert outbox(ls_db) == [(payment_id, "pending", 5)]


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(base_seconds=2, max_seconds=100)
    rng = random.Random(1)
    delays = [policy.delay(n, rng) for n in (1, 2, 3, 4, 10)]
    for delay, raw in zip(delays, (2, 4, 8, 16, 100), strict=True):
        assert raw * 0.5 <= delay <= raw * 1.5


async def test_a_timeout_whose_credit_landed_is_not_credited_twice(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine, koios: FakeKoios
) -> None:
    add_account(ls_db, "0252SHG")
    [payment_id] = await pay(ls_pay, "TIMEOUT1")
    impatient = CreditWorker(
        engine=engine, platform_for=koios_for(koios, timeout=0.3), policy=NO_WAIT
    )
    koios.hang(5)
    report = await impatient.drain_once()
    assert report.retried == 1 and "timed out" in report.errors[0]
    koios.heal()  # the hung request is now applied by the platform
    await eventually(lambda: str(payment_id) in koios.credits, message="the late credit")
    # The retry waits long enough on a busy machine: one more attempt, answered "already taken".
    patient = CreditWorker(engine=engine, platform_for=koios_for(koios, timeout=10), policy=NO_WAIT)
    report = await patient.drain()
    assert report.already_applied == 1
    assert list(koios.credits) == [str(payment_id)]
    assert koios.repeats[str(payment_id)] == 1
    assert outbox(ls_db) == [(payment_id, "done", 2)]


async def test_a_lost_answer_is_retried_and_already_taken_counts_as_done(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine, koios: FakeKoios
) -> None:
    add_account(ls_db, "0252SHG")
    [payment_id] = await pay(ls_pay, "LOSTANS1")
    koios.fail_next(1, after_apply=True)
    report = await worker(engine, koios).drain()
    assert (report.retried, report.already_applied) == (1, 1)
    assert len(koios.credits) == 1
    assert outbox(ls_db) == [(payment_id, "done", 2)]


async def test_dead_letters_after_n_attempts_and_revive(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine, koios: FakeKoios, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG")
    [payment_id] = await pay(ls_pay, "DEAD0001")
    koios.fail(1.0)
    report = await worker(engine, koios).drain()
    assert (report.retried, report.dead) == (2, 1)
    assert outbox(ls_db) == [(payment_id, "dead", 3)]
    listed = (await ls_pay.get("/api/payments", headers=auth())).json()
    assert listed["items"][0]["credit_status"] == "dead"
    koios.heal()
    with engine.begin() as connection:
        assert [payment for payment, _ in revive_dead(connection)] == [payment_id]
    assert (await worker(engine, koios).drain()).applied == 1
    assert outbox(ls_db) == [(payment_id, "done", 1)]


class Crash(BaseException):
    """The process dying: nothing after this line runs."""


class CrashAfterPush:
    name = "koios"

    def __init__(self, platform: MeterPlatform) -> None:
        self.platform = platform

    async def push_credit(self, credit: Credit) -> CreditResult:
        await self.platform.push_credit(credit)
        raise Crash


async def test_a_crash_between_push_and_mark_loses_nothing_and_credits_once(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine, koios: FakeKoios
) -> None:
    add_account(ls_db, "0252SHG")
    [payment_id] = await pay(ls_pay, "CRASH001")
    real = koios_for(koios)
    doomed = CreditWorker(engine=engine, platform_for=lambda site: CrashAfterPush(real(site)))
    with pytest.raises(Crash):
        await doomed.drain_once()
    assert list(koios.credits) == [str(payment_id)]
    assert outbox(ls_db) == [(payment_id, "pending", 0)]  # the mark never happened
    report = await worker(engine, koios).drain()  # the restarted service
    assert report.already_applied == 1
    assert len(koios.credits) == 1
    assert outbox(ls_db) == [(payment_id, "done", 1)]


async def test_concurrent_workers_never_push_the_same_row(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine, koios: FakeKoios
) -> None:
    add_account(ls_db, "0252SHG")
    # 24 payments of 100 would meet the fee debt at exactly 100 (all of it to fees): 12 + 12
    ids = await pay(ls_pay, *(f"MANY{i:04d}" for i in range(12)))
    add_account(ls_db, "0253SHG")
    for i in range(12):
        body = await post_sms(ls_pay, sms(mpesa("100.00", txn=f"MORE{i:04d}", remark="0253 SHG")))
        ids.append(body["results"][0]["payment_id"])
    workers = [worker(engine, koios, batch_size=4) for _ in range(3)]
    reports = await asyncio.gather(*(w.drain() for w in workers))
    assert sum(r.applied for r in reports) == 24
    assert sorted(koios.credits) == sorted(str(i) for i in ids)
    assert sum(koios.repeats.values()) == 0


async def test_the_api_with_workers_pushes_credits_while_it_serves(
    ls_db: str, issuer: TokenIssuer, koios: FakeKoios, auth: Auth
) -> None:
    app = ls_app(
        ls_db, issuer, with_workers=True, platform_for=koios_for(koios), credit_retry=NO_WAIT
    )
    async with client_for(app) as client:
        add_account(ls_db, "0252SHG")
        [payment_id] = await pay(client, "LIVE0001")

        async def credited() -> bool:
            listed = (await client.get("/api/payments", headers=auth())).json()
            return bool(listed["items"][0]["credit_status"] == "done")

        await eventually(credited, message="the credit marked done")
    assert list(koios.credits) == [str(payment_id)]


async def test_each_site_is_credited_on_its_own_platform_from_the_environment(
    ls_pay: httpx.AsyncClient,
    ls_db: str,
    engine: Engine,
    koios: FakeKoios,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_account(ls_db, "0252SHG")
    add_account(ls_db, "0045MAK")
    [on_koios] = await pay(ls_pay, "SITEKOI1")
    body = await post_sms(ls_pay, sms(mpesa("100.00", txn="SITETC01", remark="0045 MAK")))
    on_thundercloud = body["results"][0]["payment_id"]
    with FakeThunderCloud() as thundercloud:
        monkeypatch.setenv("GRIDCARE_KOIOS_URL", koios.url)
        monkeypatch.setenv("GRIDCARE_KOIOS_API_KEY", koios.api_key)
        monkeypatch.setenv("GRIDCARE_KOIOS_API_SECRET", koios.api_secret)
        monkeypatch.setenv("GRIDCARE_THUNDERCLOUD_URL", thundercloud.url)
        monkeypatch.setenv("GRIDCARE_THUNDERCLOUD_TOKEN", thundercloud.token)
        country = country_settings("ls", ls_db).country
        worker = CreditWorker(engine=engine, platform_for=platforms_from_env(country))
        try:
            report = await worker.drain()
        finally:
            await worker.aclose()
        assert report.applied == 2
        assert list(koios.credits) == [str(on_koios)]
        assert [c.external_id for c in thundercloud.credits.values()] == [str(on_thundercloud)]
    assert rows(ls_db, "SELECT platform, status FROM credit_outbox ORDER BY id") == [
        ("koios", "done"),
        ("thundercloud", "done"),
    ]


async def test_finance_queues_dead_credits_again_through_the_api_with_an_audit_row(
    ls_pay: httpx.AsyncClient, ls_db: str, engine: Engine, koios: FakeKoios, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG")
    [payment_id] = await pay(ls_pay, "REVIVE01")
    with koios.down():
        await worker(engine, koios, policy=RetryPolicy(max_attempts=1)).drain_once()
    assert outbox(ls_db) == [(payment_id, "dead", 1)]
    body = {"payment_ids": [payment_id]}

    refused = await ls_pay.post(
        "/api/payments/outbox/retry", json=body, headers=auth(role="customer_care")
    )
    assert refused.status_code == 403
    answer = await ls_pay.post("/api/payments/outbox/retry", json=body, headers=auth("finance"))
    assert answer.status_code == 200 and answer.json() == {"revived": 1}
    again = await ls_pay.post("/api/payments/outbox/retry", json={}, headers=auth("finance"))
    assert again.json() == {"revived": 0}  # nothing dead any more

    assert outbox(ls_db) == [(payment_id, "pending", 0)]
    assert (await worker(engine, koios).drain()).applied == 1
    audit = rows(ls_db, "SELECT actor, table_name, record_id, new_values FROM mutations")
    assert audit[-1][:3] == ("tester", "credit_outbox", str(payment_id))
