"""The cache in both forms: Redis (the `redis_url` fixture, a key prefix per run) and in-process."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import redis

from federation_gateway.cache import Cache, MemoryCache, RedisCache
from tests.support.clocks import VirtualClock
from tests.support.waiting import eventually


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest, redis_url: str) -> AsyncIterator[Cache]:
    made: Cache
    if request.param == "redis":
        made = RedisCache(redis_url, prefix=f"gridcare:test:{uuid.uuid4().hex}")
    else:
        made = MemoryCache()
    yield made
    await made.close()


async def test_values_round_trip(cache: Cache) -> None:
    await cache.set("a", {"x": ["1.50", 2]}, ttl=30)
    assert await cache.get("a") == {"x": ["1.50", 2]}
    assert await cache.get("b") is None


async def test_in_memory_values_expire_with_their_ttl() -> None:
    clock = VirtualClock()
    cache = MemoryCache(clock=clock)
    await cache.set("a", 1, ttl=30)
    clock.advance(29.9)
    assert await cache.get("a") == 1
    clock.advance(0.1)
    assert await cache.get("a") is None


async def test_redis_expires_values_with_their_ttl(redis_url: str) -> None:
    cache = RedisCache(redis_url, prefix=f"gridcare:test:{uuid.uuid4().hex}")
    try:
        await cache.set("short", 1, ttl=0.001)  # Redis's own clock: 1 ms, the least it takes
        await cache.set("long", 2, ttl=30)
        await eventually(
            lambda: _missing(cache, "short"), within=5, message="Redis to expire the entry"
        )
        assert await cache.get("long") == 2
    finally:
        await cache.close()


async def _missing(cache: Cache, key: str) -> bool:
    return await cache.get(key) is None


async def test_invalidate_drops_only_that_tag(cache: Cache) -> None:
    await cache.set("ls-answer", 1, ttl=30, tags=["country:ls"])
    await cache.set("bn-answer", 2, ttl=30, tags=["country:bn"])
    await cache.set("rollup", 3, ttl=30, tags=["country:ls", "country:bn"])
    await cache.invalidate("country:ls")
    assert await cache.get("ls-answer") is None
    assert await cache.get("rollup") is None
    assert await cache.get("bn-answer") == 2


async def test_redis_keys_live_under_the_prefix_with_a_ttl(redis_url: str) -> None:
    prefix = f"gridcare:test:{uuid.uuid4().hex}"
    cache = RedisCache(redis_url, prefix=prefix)
    try:
        await cache.set("k", "v", ttl=5, tags=["fx"])
        plain = redis.Redis.from_url(redis_url)
        keys = sorted(key.decode() for key in plain.scan_iter(f"{prefix}:*"))
        assert keys == [f"{prefix}:tag:fx", f"{prefix}:v:k"]
        assert 0 < plain.pttl(f"{prefix}:v:k") <= 5000
        await cache.invalidate("fx")
        assert list(plain.scan_iter(f"{prefix}:*")) == []
    finally:
        await cache.close()


async def test_a_dead_redis_is_a_miss_not_an_error() -> None:
    cache = RedisCache("redis://127.0.0.1:1/0")
    await cache.set("k", 1, ttl=5)
    assert await cache.get("k") is None
    await cache.invalidate("fx")
    await cache.close()
