"""Log-in attempts limited per username and per client address.

Failures are counted in a window that starts at the first failure (`window_seconds`); a
username with `max_per_user` failures, or an address with `max_per_ip`, is locked until its
window ends. A success clears the username's count (not the address's, so one good account
cannot reset a password-spraying address). Counts live in Redis when `GRIDCARE_REDIS_URL` is
set (shared by every gateway instance), else in this process; a Redis outage lets log-ins
through with a warning.

Wiring in a log-in route:

    limiter.check_login_allowed(username=body.username, ip=client_ip)   # raises LoginLocked
    … on a wrong password: limiter.record_login_failure(username=…, ip=…)
    … on success:          limiter.record_login_success(username=…, ip=…)

`LoginLocked` is an `AppError`: the shared handler answers 429 with `Retry-After`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

import redis
from redis.exceptions import RedisError

from gridcare.core.errors import AppError

log = logging.getLogger(__name__)


class LoginLocked(AppError):
    status_code = 429
    code = "login_locked"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
        self.headers = {"Retry-After": str(retry_after_seconds)}


class WindowCounter(Protocol):
    def count(self, key: str) -> tuple[int, float]:
        """(failures in the current window, seconds until the window ends)."""
        ...

    def add(self, key: str, window_seconds: int) -> None: ...
    def clear(self, key: str) -> None: ...


class MemoryWindowCounter:
    """In this process; `clock` (seconds, monotonic) is injectable so tests need not wait."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def count(self, key: str) -> tuple[int, float]:
        with self._lock:
            count, ends = self._windows.get(key, (0, 0.0))
            remaining = ends - self._clock()
            if remaining <= 0:
                self._windows.pop(key, None)
                return 0, 0.0
            return count, remaining

    def add(self, key: str, window_seconds: int) -> None:
        with self._lock:
            count, ends = self._windows.get(key, (0, 0.0))
            now = self._clock()
            if ends <= now:
                count, ends = 0, now + window_seconds
            self._windows[key] = (count + 1, ends)

    def clear(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)


class RedisWindowCounter:
    def __init__(self, url: str, *, prefix: str = "gridcare:gateway:login") -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = prefix

    def count(self, key: str) -> tuple[int, float]:
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.get(f"{self.prefix}:{key}")
                pipe.pttl(f"{self.prefix}:{key}")
                value, pttl = pipe.execute()
        except RedisError as error:
            log.warning("login limiter cannot read Redis, letting the attempt through: %s", error)
            return 0, 0.0
        if value is None or int(pttl) <= 0:
            return 0, 0.0
        return int(value), int(pttl) / 1000

    def add(self, key: str, window_seconds: int) -> None:
        try:
            with self.client.pipeline(transaction=True) as pipe:
                # The window starts at the first failure: create it with its expiry, then count
                # (INCR keeps the expiry). Works on Redis 6 too, which lacks EXPIRE … NX.
                pipe.set(f"{self.prefix}:{key}", 0, ex=window_seconds, nx=True)
                pipe.incr(f"{self.prefix}:{key}")
                pipe.execute()
        except RedisError as error:
            log.warning("login limiter cannot write Redis: %s", error)

    def clear(self, key: str) -> None:
        try:
            self.client.delete(f"{self.prefix}:{key}")
        except RedisError as error:
            log.warning("login limiter cannot write Redis: %s", error)


class LoginLimiter:
    def __init__(
        self,
        counter: WindowCounter,
        *,
        max_per_user: int = 10,
        max_per_ip: int = 50,
        window_seconds: int = 900,
    ) -> None:
        self.counter = counter
        self.max_per_user = max_per_user
        self.max_per_ip = max_per_ip
        self.window_seconds = window_seconds

    @staticmethod
    def _keys(username: str, ip: str) -> tuple[str, str]:
        return f"user:{username.strip().lower()}", f"ip:{ip}"

    def check_login_allowed(self, *, username: str, ip: str) -> None:
        user_key, ip_key = self._keys(username, ip)
        for key, limit, what in (
            (user_key, self.max_per_user, "this account"),
            (ip_key, self.max_per_ip, "this address"),
        ):
            if not limit:
                continue
            failures, remaining = self.counter.count(key)
            if failures >= limit:
                seconds = max(1, math.ceil(remaining))
                raise LoginLocked(
                    f"too many failed log-ins for {what}: try again in {seconds} s",
                    retry_after_seconds=seconds,
                )

    def record_login_failure(self, *, username: str, ip: str) -> None:
        for key in self._keys(username, ip):
            self.counter.add(key, self.window_seconds)

    def record_login_success(self, *, username: str, ip: str) -> None:
        self.counter.clear(self._keys(username, ip)[0])


def make_login_limiter(
    redis_url: str | None,
    *,
    max_per_user: int = 10,
    max_per_ip: int = 50,
    window_seconds: int = 900,
    prefix: str = "gridcare:gateway:login",
) -> LoginLimiter:
    counter: WindowCounter = (
        RedisWindowCounter(redis_url, prefix=prefix) if redis_url else MemoryWindowCounter()
    )
    return LoginLimiter(
        counter, max_per_user=max_per_user, max_per_ip=max_per_ip, window_seconds=window_seconds
    )
