"""Failed log-ins per (username, client address), refused for a while after too many.

Counted in Redis when `GRIDCARE_REDIS_URL` is set (shared by every gateway instance), else in
this process. A Redis outage never blocks log-ins: the throttle then lets attempts through and
logs a warning.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Protocol

import redis
from redis.exceptions import RedisError

from gridcare.errors import AppError

log = logging.getLogger(__name__)


class TooManyAttempts(AppError):
    status_code = 429
    code = "too_many_attempts"


class FailureCounter(Protocol):
    def count(self, key: str) -> int: ...
    def add(self, key: str) -> None: ...
    def clear(self, key: str) -> None: ...


class MemoryCounter:
    def __init__(self, window_seconds: int) -> None:
        self.window_seconds = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def count(self, key: str) -> int:
        with self._lock:
            return len(self._recent(key))

    def add(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(time.monotonic())

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and time.monotonic() - failures[0] > self.window_seconds:
            failures.popleft()
        return failures


class RedisCounter:
    """A counter per key that expires a window after the first failure."""

    def __init__(self, url: str, window_seconds: int) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.window_seconds = window_seconds

    def count(self, key: str) -> int:
        try:
            value = self.client.get(self._name(key))
        except RedisError as error:
            log.warning("login throttle cannot read Redis, letting the attempt through: %s", error)
            return 0
        return int(value) if isinstance(value, bytes | str) else 0

    def add(self, key: str) -> None:
        try:
            with self.client.pipeline() as pipe:
                pipe.incr(self._name(key))
                pipe.expire(self._name(key), self.window_seconds, nx=True)
                pipe.execute()
        except RedisError as error:
            log.warning("login throttle cannot write Redis: %s", error)

    def clear(self, key: str) -> None:
        try:
            self.client.delete(self._name(key))
        except RedisError as error:
            log.warning("login throttle cannot write Redis: %s", error)

    @staticmethod
    def _name(key: str) -> str:
        return f"gridcare:gateway:login-failures:{key}"


class LoginThrottle:
    def __init__(self, counter: FailureCounter, *, max_failures: int, window_seconds: int) -> None:
        self.counter = counter
        self.max_failures = max_failures
        self.window_seconds = window_seconds

    @staticmethod
    def key(username: str, client: str) -> str:
        return f"{username.strip().lower()}|{client}"

    def check(self, key: str) -> None:
        if self.max_failures and self.counter.count(key) >= self.max_failures:
            minutes = max(1, self.window_seconds // 60)
            raise TooManyAttempts(
                f"too many failed log-ins for this account from here: try again in {minutes} min"
            )

    def failed(self, key: str) -> None:
        if self.max_failures:
            self.counter.add(key)

    def succeeded(self, key: str) -> None:
        if self.max_failures:
            self.counter.clear(key)


def make_throttle(
    redis_url: str | None, *, max_failures: int, window_seconds: int
) -> LoginThrottle:
    counter: FailureCounter = (
        RedisCounter(redis_url, window_seconds) if redis_url else MemoryCounter(window_seconds)
    )
    return LoginThrottle(counter, max_failures=max_failures, window_seconds=window_seconds)
