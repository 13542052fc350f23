"""The time, as something code asks for rather than reads: tests hand in their own clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]
"""Returns the current instant, timezone-aware, in UTC."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FrozenClock:
    """A clock that moves only when told (`advance`): for tests of time-dependent rules."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock's time is timezone-aware")
        self.now = start.astimezone(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now
