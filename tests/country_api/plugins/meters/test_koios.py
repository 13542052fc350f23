"""Koios v1 credits against the fake Koios: applied once, failures classified."""

from __future__ import annotations

import asyncio

import pytest

from country_api.plugins.meters.koios import KoiosPlatform
from country_api.plugins.meters.protocol import (
    PlatformError,
    PlatformNotConfigured,
    RateLimited,
)
from tests.country_api.plugins.meters.factories import credit
from tests.fakes import FakeKoios
from tests.support.waiting import eventually


async def test_credit_is_posted_as_documented_and_applied_once(
    koios: FakeKoios, koios_platform: KoiosPlatform
) -> None:
    result = await koios_platform.push_credit(credit("123"))

    assert result.status == "applied"
    assert result.platform_reference == koios.credits["123"].id
    [request] = koios.credit_requests()
    assert request.headers["x-api-key"] == "test-key"
    assert request.headers["x-api-secret"] == "test-secret"
    assert request.json() == {
        "customer_code": "0252SHG",
        "amount": "125.50",
        "memo": "sms_incoming ref=TJK9XYZ1A2 txn=123",
        "external_id": "123",
    }


async def test_a_repeat_is_already_applied_and_credits_nothing_more(
    koios: FakeKoios, koios_platform: KoiosPlatform
) -> None:
    await koios_platform.push_credit(credit("123"))
    again = await koios_platform.push_credit(credit("123"))

    assert again.status == "already_applied"
    assert list(koios.credits) == ["123"]
    assert koios.repeats["123"] == 1


async def test_amount_uses_the_currency_digits(
    koios: FakeKoios, koios_platform: KoiosPlatform
) -> None:
    await koios_platform.push_credit(credit("9", amount_minor=5000, currency="XOF"))
    await koios_platform.push_credit(credit("10", amount_minor=5, currency="LSL"))

    assert koios.credits["9"].amount == "5000"
    assert koios.credits["10"].amount == "0.05"


async def test_server_error_is_retryable_and_applies_nothing(
    koios: FakeKoios, koios_platform: KoiosPlatform
) -> None:
    koios.fail_next(1)
    with pytest.raises(PlatformError) as raised:
        await koios_platform.push_credit(credit("123"))

    assert raised.value.retryable
    assert "HTTP 500" in str(raised.value)
    assert koios.credits == {}
    assert (await koios_platform.push_credit(credit("123"))).status == "applied"


async def test_lost_answer_then_retry_credits_exactly_once(
    koios: FakeKoios, koios_platform: KoiosPlatform
) -> None:
    koios.fail_next(1, after_apply=True)
    with pytest.raises(PlatformError) as raised:
        await koios_platform.push_credit(credit("123"))
    assert raised.value.retryable

    assert (await koios_platform.push_credit(credit("123"))).status == "already_applied"
    assert list(koios.credits) == ["123"]


async def test_a_hanging_platform_times_out_retryably(
    koios: FakeKoios, koios_platform: KoiosPlatform
) -> None:
    koios.hang(seconds=60)
    with pytest.raises(PlatformError) as raised:
        # Far past the client's 0.3 s timeout, far short of the hang: a broken timeout fails.
        await asyncio.wait_for(koios_platform.push_credit(credit("123")), 20)

    assert raised.value.retryable
    assert "timed out" in str(raised.value)
    koios.heal()  # the hung request goes on, like a platform that applied it late
    retried = await koios_platform.push_credit(credit("123"))
    assert retried.status in {"applied", "already_applied"}
    # Once both requests are handled, one applied the credit and the other was a repeat.
    await eventually(lambda: koios.repeats["123"] == 1, message="the hung request to land")
    assert list(koios.credits) == ["123"]


async def test_unknown_customer_is_final_with_the_platform_message(
    koios: FakeKoios, koios_platform: KoiosPlatform
) -> None:
    with pytest.raises(PlatformError) as raised:
        await koios_platform.push_credit(credit("123", customer_code="9999XXX"))

    assert not raised.value.retryable
    assert "HTTP 404" in str(raised.value)
    assert "Customer not found: 9999XXX" in str(raised.value)


async def test_too_many_requests_is_rate_limited_with_retry_after(
    koios: FakeKoios, koios_platform: KoiosPlatform
) -> None:
    koios.rate_limit(retry_after=30)
    with pytest.raises(RateLimited) as raised:
        await koios_platform.push_credit(credit("123"))

    assert raised.value.retryable
    assert raised.value.retry_after == 30
    assert koios.credits == {}


async def test_a_stopped_platform_is_retryable_and_works_when_back(
    koios: FakeKoios, koios_platform: KoiosPlatform
) -> None:
    with koios.down():
        with pytest.raises(PlatformError) as raised:
            await koios_platform.push_credit(credit("123"))
        assert raised.value.retryable
        assert "ConnectError" in str(raised.value)

    assert (await koios_platform.push_credit(credit("123"))).status == "applied"


async def test_wrong_credentials_are_final(koios: FakeKoios) -> None:
    platform = KoiosPlatform(base_url=koios.url, key="test-key", secret="wrong")
    with pytest.raises(PlatformError) as raised:
        await platform.push_credit(credit("123"))

    assert not raised.value.retryable
    assert "HTTP 401" in str(raised.value)


async def test_a_non_positive_amount_is_refused_before_calling(
    koios: FakeKoios, koios_platform: KoiosPlatform
) -> None:
    with pytest.raises(PlatformError) as raised:
        await koios_platform.push_credit(credit("123", amount_minor=0))

    assert not raised.value.retryable
    assert koios.requests == []


async def test_concurrent_pushes_through_a_flaky_platform_credit_each_payment_once(
    koios: FakeKoios,
) -> None:
    ids = [str(n) for n in range(64)]
    queue: asyncio.Queue[str] = asyncio.Queue()
    for external_id in ids:
        queue.put_nowait(external_id)
    koios.fail(0.3, seed=7, after_apply=True)  # the worst case: work done, answer lost

    async def worker(platform: KoiosPlatform) -> None:
        while not queue.empty():
            external_id = queue.get_nowait()
            while True:
                try:
                    await platform.push_credit(credit(external_id))
                    break
                except PlatformError as error:
                    assert error.retryable

    platform = KoiosPlatform(base_url=koios.url, key=koios.api_key, secret=koios.api_secret)
    async with platform:
        await asyncio.gather(*(worker(platform) for _ in range(16)))

    assert sorted(koios.credits) == sorted(ids)
    assert sum(koios.repeats.values()) > 0  # lost answers were retried into "already taken"


def test_from_env_names_the_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCARE_KOIOS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("GRIDCARE_KOIOS_API_SECRET", "s")
    monkeypatch.delenv("GRIDCARE_KOIOS_API_KEY", raising=False)
    monkeypatch.delenv("GRIDCARE_LS_KOIOS_API_KEY", raising=False)

    with pytest.raises(PlatformNotConfigured, match="GRIDCARE_KOIOS_API_KEY is not set"):
        KoiosPlatform.from_env("LS")


async def test_from_env_prefers_the_per_country_variable(
    koios: FakeKoios, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDCARE_KOIOS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("GRIDCARE_BN_KOIOS_URL", koios.url)
    monkeypatch.setenv("GRIDCARE_KOIOS_API_KEY", koios.api_key)
    monkeypatch.setenv("GRIDCARE_KOIOS_API_SECRET", koios.api_secret)

    platform = KoiosPlatform.from_env("BN")

    assert (await platform.push_credit(credit("1", currency="XOF"))).status == "applied"


async def test_a_pooled_platform_survives_an_outage(koios: FakeKoios) -> None:
    platform = KoiosPlatform(base_url=koios.url, key=koios.api_key, secret=koios.api_secret)
    async with platform:
        assert (await platform.push_credit(credit("1"))).status == "applied"
        with koios.down():
            with pytest.raises(PlatformError) as raised:
                await platform.push_credit(credit("2"))
            assert raised.value.retryable
        assert (await platform.push_credit(credit("2"))).status == "applied"

    assert sorted(koios.credits) == ["1", "2"]
