"""The sliding-window limiter on a virtual clock: no real waiting."""

from __future__ import annotations

import asyncio

import pytest

from country_api.plugins.meters.rate_limit import SlidingWindowLimiter
from tests.support.clocks import VirtualClock


async def test_three_per_five_seconds_back_to_back() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(calls=3, period=5.0, clock=clock, sleep=clock.sleep)
    starts = []

    for _ in range(7):
        async with limiter.slot():
            starts.append(clock.now)

    assert starts == [0, 0, 0, 5, 5, 5, 10]


async def test_the_window_counts_from_when_a_request_finished() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(calls=1, period=5.0, clock=clock, sleep=clock.sleep)
    starts = []

    for _ in range(2):
        async with limiter.slot():
            starts.append(clock.now)
            clock.now += 2  # the request takes 2 s

    assert starts == [0, 7]


async def test_concurrent_requests_share_the_slots() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(calls=2, period=5.0, clock=clock, sleep=clock.sleep)
    starts: list[float] = []

    async def request() -> None:
        async with limiter.slot():
            starts.append(clock.now)
            await asyncio.sleep(0)

    await asyncio.gather(*(request() for _ in range(6)))

    assert sorted(starts) == [0, 0, 5, 5, 10, 10]


def test_a_limit_needs_at_least_one_call() -> None:
    with pytest.raises(ValueError, match="calls >= 1"):
        SlidingWindowLimiter(calls=0, period=5.0)
