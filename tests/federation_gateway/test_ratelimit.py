"""Log-in limits per username and per address, in Redis or in-process."""

from __future__ import annotations

import uuid

import pytest

from federation_gateway.ratelimit import (
    LoginLimiter,
    LoginLocked,
    MemoryWindowCounter,
    make_login_limiter,
)
from tests.support.clocks import VirtualClock


@pytest.fixture(params=["memory", "redis"])
def limiter(request: pytest.FixtureRequest, redis_url: str) -> LoginLimiter:
    return make_login_limiter(
        redis_url if request.param == "redis" else None,
        max_per_user=3,
        max_per_ip=5,
        window_seconds=60,
        prefix=f"gridcare:test:{uuid.uuid4().hex}",
    )


def test_a_user_is_locked_after_too_many_failures(limiter: LoginLimiter) -> None:
    for _ in range(3):
        limiter.check_login_allowed(username="Thabo", ip="10.0.0.1")
        limiter.record_login_failure(username="thabo", ip="10.0.0.1")
    with pytest.raises(LoginLocked) as locked:
        limiter.check_login_allowed(username="THABO", ip="10.0.0.99")  # any address
    assert 55 <= locked.value.retry_after_seconds <= 60
    limiter.check_login_allowed(username="someone-else", ip="10.0.0.1")


def test_an_address_is_locked_across_usernames(limiter: LoginLimiter) -> None:
    for number in range(5):
        limiter.record_login_failure(username=f"user{number}", ip="10.0.0.2")
    with pytest.raises(LoginLocked, match="this address"):
        limiter.check_login_allowed(username="fresh", ip="10.0.0.2")


def test_success_clears_the_user_but_not_the_address(limiter: LoginLimiter) -> None:
    for _ in range(2):
        limiter.record_login_failure(username="mpho", ip="10.0.0.3")
    limiter.record_login_success(username="mpho", ip="10.0.0.3")
    limiter.record_login_failure(username="mpho", ip="10.0.0.3")
    limiter.check_login_allowed(username="mpho", ip="10.0.0.3")  # 1 failure since success
    for _ in range(2):
        limiter.record_login_failure(username="x", ip="10.0.0.3")
    with pytest.raises(LoginLocked):  # the address counted all 5
        limiter.check_login_allowed(username="mpho", ip="10.0.0.3")


def test_the_lock_ends_with_the_window_that_began_at_the_first_failure() -> None:
    clock = VirtualClock()
    limiter = LoginLimiter(
        MemoryWindowCounter(clock=clock), max_per_user=2, max_per_ip=50, window_seconds=60
    )
    limiter.record_login_failure(username="lerato", ip="10.0.0.4")
    clock.advance(40)
    limiter.record_login_failure(username="lerato", ip="10.0.0.4")  # the window still ends at 60
    with pytest.raises(LoginLocked) as locked:
        limiter.check_login_allowed(username="lerato", ip="10.0.0.4")
    assert locked.value.retry_after_seconds == 20
    clock.advance(19.5)
    with pytest.raises(LoginLocked) as locked:
        limiter.check_login_allowed(username="lerato", ip="10.0.0.4")
    assert locked.value.retry_after_seconds == 1
    clock.advance(0.5)
    limiter.check_login_allowed(username="lerato", ip="10.0.0.4")  # a new window, no failures
    limiter.record_login_failure(username="lerato", ip="10.0.0.4")
    limiter.check_login_allowed(username="lerato", ip="10.0.0.4")  # 1 failure in the new one
