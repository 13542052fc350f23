"""The fake platform servers themselves: fast to start, concurrent, faults on demand."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from tests.fakes import FakeKoios
from tests.support.waiting import eventually_blocking, finishes_within

HEADERS = {"X-API-KEY": "test-key", "X-API-SECRET": "test-secret"}


def payment(external_id: str) -> dict[str, str]:
    return {"customer_code": "0252SHG", "amount": "1.00", "memo": "", "external_id": external_id}


def test_starts_serves_and_stops_refusing_connections() -> None:
    koios = FakeKoios()
    koios.start()
    assert httpx.get(f"{koios.url}/api/v1/customers?code=X", headers=HEADERS).is_success
    koios.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{koios.url}/api/v1/customers?code=X", headers=HEADERS, timeout=2)


async def test_serves_many_concurrent_clients_applying_each_id_once() -> None:
    tls = httpx.create_ssl_context()  # built once: each build costs ~0.1 s of CPU
    with FakeKoios() as koios:

        async def one_client(n: int) -> list[int]:
            async with httpx.AsyncClient(base_url=koios.url, headers=HEADERS, verify=tls) as client:
                return [
                    (await client.post("/api/v1/payments", json=payment(str(i)))).status_code
                    for i in range(n % 4, 40, 4)
                ]

        statuses = await asyncio.gather(*(one_client(n) for n in range(32)))

    assert len(koios.credits) == 40
    assert sorted(s for client in statuses for s in client).count(201) == 40
    assert sum(koios.repeats.values()) == 32 * 10 - 40


def test_stopped_refuses_connections_and_restarts_on_the_same_port() -> None:
    with FakeKoios() as koios:
        url = koios.url
        with koios.down(), pytest.raises(httpx.ConnectError):
            httpx.post(f"{url}/api/v1/payments", json=payment("1"), headers=HEADERS)
        answer = httpx.post(f"{url}/api/v1/payments", json=payment("1"), headers=HEADERS)

    assert answer.status_code == 201
    assert list(koios.credits) == ["1"]


def test_stop_drops_hung_requests_without_applying_them() -> None:
    koios = FakeKoios().start()
    koios.hang(seconds=30)
    errors: list[Exception] = []

    def post() -> None:
        try:
            httpx.post(f"{koios.url}/api/v1/payments", json=payment("1"), headers=HEADERS)
        except httpx.HTTPError as error:
            errors.append(error)

    caller = threading.Thread(target=post)
    caller.start()
    eventually_blocking(lambda: koios.requests, message="the request to arrive")
    finishes_within(10, koios.stop)  # not held up by the 30 s hang
    caller.join(timeout=10)

    assert not caller.is_alive()
    assert len(errors) == 1
    assert koios.credits == {}


def test_failure_rate_is_seeded() -> None:
    def statuses(seed: int) -> list[int]:
        with FakeKoios() as koios:
            koios.fail(0.5, seed=seed)
            with httpx.Client(base_url=koios.url, headers=HEADERS) as client:
                return [
                    client.post("/api/v1/payments", json=payment(str(i))).status_code
                    for i in range(20)
                ]

    first = statuses(3)
    assert first == statuses(3)
    assert {500, 201} == set(first)


def test_state_endpoint_shows_credits_and_is_never_faulted() -> None:
    with FakeKoios() as koios:
        httpx.post(f"{koios.url}/api/v1/payments", json=payment("1"), headers=HEADERS)
        httpx.post(f"{koios.url}/api/v1/payments", json=payment("1"), headers=HEADERS)
        koios.fail(1.0)
        state = httpx.get(f"{koios.url}/_fake/state").json()

    assert state == {"requests": 2, "credits": {"1": "1.00"}, "repeats": {"1": 1}}
