"""Client-side request pacing for platforms that publish a rate limit (Koios: 3 requests / 5 s)."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager


class SlidingWindowLimiter:
    """At most `calls` requests in any `period` seconds, as the server counts them.

    A request holds its slot while in flight and the window is counted from when it
    *finished*: the server sees a request arrive somewhere between its start and its end, so
    counting from the end never lets the server see one request too many. `clock` and `sleep`
    are injectable so tests can run the limiter on a virtual clock.
    """

    def __init__(
        self,
        *,
        calls: int,
        period: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if calls < 1 or period <= 0:
            raise ValueError("a rate limit needs calls >= 1 and period > 0")
        self.calls = calls
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._finished: deque[float] = deque()
        self._in_flight = 0
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for a free slot, hold it for the request, then start its window."""
        await self._enter()
        try:
            yield
        finally:
            async with self._changed:
                self._in_flight -= 1
                self._finished.append(self._clock())
                self._changed.notify_all()

    async def _enter(self) -> None:
        while True:
            async with self._changed:
                now = self._clock()
                while self._finished and now - self._finished[0] >= self.period:
                    self._finished.popleft()
                if self._in_flight + len(self._finished) < self.calls:
                    self._in_flight += 1
                    return
                if not self._finished:
                    await self._changed.wait()  # every slot is in flight: wait for one to end
                    continue
                delay = self._finished[0] + self.period - now
            await self._sleep(delay)
