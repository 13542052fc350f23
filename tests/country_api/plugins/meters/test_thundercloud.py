"""ThunderCloud v0 credits against the fake ThunderCloud: lookup, then a form POST, once."""

from __future__ import annotations

import pytest

from country_api.plugins.meters.protocol import PlatformError, PlatformNotConfigured, RateLimited
from country_api.plugins.meters.thundercloud import ThunderCloudPlatform
from tests.country_api.plugins.meters.factories import credit
from tests.fakes import FakeThunderCloud
from tests.fakes.thundercloud import customer_uuid


async def test_looks_up_the_customer_then_posts_the_transaction(
    thundercloud: FakeThunderCloud, thundercloud_platform: ThunderCloudPlatform
) -> None:
    result = await thundercloud_platform.push_credit(credit("77", customer_code="0045MAK"))

    assert result.status == "applied"
    applied = thundercloud.credits["77"]
    assert result.platform_reference == applied.transaction_id
    lookup, post = thundercloud.requests
    assert (lookup.method, lookup.path) == ("GET", "/api/v0/customer/0045MAK")
    assert lookup.headers["authentication-token"] == "tc-token"
    assert (post.method, post.path) == ("POST", "/api/v0/transaction/")
    assert post.headers["content-type"] == "application/x-www-form-urlencoded"
    assert post.form() == {
        "customer_id": customer_uuid("0045MAK"),
        "amount": "125.50",
        "source": "cash",
        "external_id": "77",
    }


async def test_a_repeat_is_already_applied_and_the_lookup_is_cached(
    thundercloud: FakeThunderCloud, thundercloud_platform: ThunderCloudPlatform
) -> None:
    await thundercloud_platform.push_credit(credit("77", customer_code="0045MAK"))
    again = await thundercloud_platform.push_credit(credit("77", customer_code="0045MAK"))

    assert again.status == "already_applied"
    assert list(thundercloud.credits) == ["77"]
    assert thundercloud.repeats["77"] == 1
    assert len(thundercloud.requests_to("/api/v0/customer/")) == 1


async def test_an_unknown_customer_is_retried_until_the_platform_knows_it(
    thundercloud: FakeThunderCloud, thundercloud_platform: ThunderCloudPlatform
) -> None:
    with pytest.raises(PlatformError) as raised:
        await thundercloud_platform.push_credit(credit("77", customer_code="9999MAK"))
    assert raised.value.retryable  # the customer may be created on ThunderCloud later
    assert "no customer with code 9999MAK" in str(raised.value)
    assert thundercloud.credit_requests() == []

    thundercloud.add_customer("9999MAK")
    result = await thundercloud_platform.push_credit(credit("77", customer_code="9999MAK"))
    assert result.status == "applied"


async def test_a_stale_cached_customer_id_is_looked_up_again(
    thundercloud: FakeThunderCloud, thundercloud_platform: ThunderCloudPlatform
) -> None:
    await thundercloud_platform.push_credit(credit("77", customer_code="0045MAK"))
    thundercloud.recreate_customer("0045MAK")  # same code, a new id on the platform

    result = await thundercloud_platform.push_credit(credit("78", customer_code="0045MAK"))

    assert result.status == "applied"
    assert thundercloud.credits["78"].customer_id != customer_uuid("0045MAK")
    assert len(thundercloud.requests_to("/api/v0/customer/")) == 2


async def test_lost_answer_then_retry_credits_exactly_once(
    thundercloud: FakeThunderCloud, thundercloud_platform: ThunderCloudPlatform
) -> None:
    await thundercloud_platform.customer_id("0045MAK")
    thundercloud.fail_next(1, after_apply=True)
    with pytest.raises(PlatformError) as raised:
        await thundercloud_platform.push_credit(credit("77", customer_code="0045MAK"))
    assert raised.value.retryable
    assert "HTTP 500" in str(raised.value)

    retried = await thundercloud_platform.push_credit(credit("77", customer_code="0045MAK"))

    assert retried.status == "already_applied"
    assert list(thundercloud.credits) == ["77"]


async def test_failed_lookup_hang_and_429_are_retryable(
    thundercloud: FakeThunderCloud, thundercloud_platform: ThunderCloudPlatform
) -> None:
    thundercloud.fail_next(1)
    with pytest.raises(PlatformError) as lookup_failed:
        await thundercloud_platform.push_credit(credit("77", customer_code="0045MAK"))
    thundercloud.hang(seconds=5)
    with pytest.raises(PlatformError) as hung:
        await thundercloud_platform.push_credit(credit("77", customer_code="0045MAK"))
    thundercloud.heal()
    thundercloud.rate_limit(retry_after=5)
    with pytest.raises(RateLimited) as limited:
        await thundercloud_platform.push_credit(credit("77", customer_code="0045MAK"))

    assert lookup_failed.value.retryable
    assert hung.value.retryable
    assert "timed out" in str(hung.value)
    assert limited.value.retry_after == 5
    assert thundercloud.credits == {}


async def test_wrong_token_is_final(thundercloud: FakeThunderCloud) -> None:
    platform = ThunderCloudPlatform(base_url=thundercloud.url, token="wrong")
    with pytest.raises(PlatformError) as raised:
        await platform.push_credit(credit("77", customer_code="0045MAK"))

    assert not raised.value.retryable
    assert "HTTP 401: Unauthorized" in str(raised.value)


async def test_from_env(thundercloud: FakeThunderCloud, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCARE_THUNDERCLOUD_URL", thundercloud.url)
    monkeypatch.delenv("GRIDCARE_THUNDERCLOUD_TOKEN", raising=False)
    monkeypatch.delenv("GRIDCARE_LS_THUNDERCLOUD_TOKEN", raising=False)
    with pytest.raises(PlatformNotConfigured, match="GRIDCARE_THUNDERCLOUD_TOKEN is not set"):
        ThunderCloudPlatform.from_env("LS")

    monkeypatch.setenv("GRIDCARE_THUNDERCLOUD_TOKEN", thundercloud.token)
    async with ThunderCloudPlatform.from_env("LS") as platform:
        result = await platform.push_credit(credit("78", customer_code="0045MAK"))

    assert result.status == "applied"
