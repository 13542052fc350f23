"""A short-lived cache of JSON values, in Redis (`GRIDCARE_REDIS_URL`) or in this process.

Entries carry tags (`country:ls`, `fx`); `invalidate(tag)` drops every entry with that tag, so a
country's cached answers (and the rollups built from them) go at once. A Redis outage never
fails a request: reads miss and writes are skipped, with a warning.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Collection
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "gridcare:gateway:cache"


class Cache(Protocol):
    async def get(self, key: str) -> Any | None: ...
    async def set(
        self, key: str, value: Any, *, ttl: float, tags: Collection[str] = ()
    ) -> None: ...
    async def invalidate(self, tag: str) -> None: ...
    async def close(self) -> None: ...


class MemoryCache:
    """In this process; `clock` (seconds, monotonic) is injectable so tests need not wait."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[str, tuple[float, str]] = {}
        self._tags: dict[str, set[str]] = {}

    async def get(self, key: str) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, text = entry
        if self._clock() >= expires:
            self._entries.pop(key, None)
            return None
        return json.loads(text)

    async def set(self, key: str, value: Any, *, ttl: float, tags: Collection[str] = ()) -> None:
        self._entries[key] = (self._clock() + ttl, json.dumps(value))
        for tag in tags:
            self._tags.setdefault(tag, set()).add(key)

    async def invalidate(self, tag: str) -> None:
        for key in self._tags.pop(tag, set()):
            self._entries.pop(key, None)

    async def close(self) -> None:
        self._entries.clear()
        self._tags.clear()


TAG_GRACE_MS = 3_600_000


class RedisCache:
    def __init__(self, url: str, *, prefix: str = DEFAULT_PREFIX) -> None:
        self.client = aioredis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = prefix

    def _key(self, key: str) -> str:
        return f"{self.prefix}:v:{key}"

    def _tag(self, tag: str) -> str:
        return f"{self.prefix}:tag:{tag}"

    async def get(self, key: str) -> Any | None:
        try:
            raw = await self.client.get(self._key(key))
        except RedisError as error:
            log.warning("cache: cannot read Redis, treating as a miss: %s", error)
            return None
        return None if raw is None else json.loads(raw)

    async def set(self, key: str, value: Any, *, ttl: float, tags: Collection[str] = ()) -> None:
        milliseconds = max(1, int(ttl * 1000))
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.set(self._key(key), json.dumps(value), px=milliseconds)
                for tag in tags:
                    # A tag outlives every entry it names (stale names are harmless to
                    # delete); a plain PEXPIRE keeps this working on Redis 6 as well.
                    pipe.sadd(self._tag(tag), self._key(key))
                    pipe.pexpire(self._tag(tag), milliseconds + TAG_GRACE_MS)
                await pipe.execute()
        except RedisError as error:
            log.warning("cache: cannot write Redis, not cached: %s", error)

    async def invalidate(self, tag: str) -> None:
        try:
            members = await self.client.smembers(self._tag(tag))
            await self.client.delete(self._tag(tag), *members)
        except RedisError as error:
            log.warning("cache: cannot invalidate %s in Redis: %s", tag, error)

    async def close(self) -> None:
        await self.client.aclose()


def make_cache(redis_url: str | None, *, prefix: str = DEFAULT_PREFIX) -> Cache:
    return RedisCache(redis_url, prefix=prefix) if redis_url else MemoryCache()
