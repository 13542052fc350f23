"""A monotonic clock that moves only when a test says so.

Code that measures durations takes `clock: Callable[[], float] = time.monotonic` (and, when it
waits, `sleep`); a test hands in a `VirtualClock` and calls `advance` instead of sleeping. For
wall-clock instants (`gridcare.core.clock.Clock`) use `gridcare.core.clock.FrozenClock`.
"""

from __future__ import annotations

import asyncio


class VirtualClock:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now

    async def sleep(self, seconds: float) -> None:
        """An `asyncio.sleep` that moves this clock instead of waiting (still yields once)."""
        self.now += seconds
        await asyncio.sleep(0)
