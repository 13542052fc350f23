"""Waiting in tests without sleeping for a fixed time.

`eventually(check, within=…)` polls `check` until it holds, for something another thread,
process, server or broker does in its own time (a background worker's pass, a subprocess
answering, a message arriving); it fails after `within` seconds, which is a generous bound
against a hang, not a speed claim. `eventually_blocking` is the same for synchronous tests.
Time a *rule* waits for (a lock window, a TTL, a backoff) is not waited for at all: the code
takes a clock and the test moves a fake one (`tests/support/clocks.py`).

`finishes_within(seconds, work)` guards against a hang (catastrophic regex backtracking) by
failing when `work` has not returned in time, rather than asserting how long it took.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.02
Message = str | Callable[[], object]


def _failure(message: Message, within: float) -> AssertionError:
    text = message() if callable(message) else message
    return AssertionError(f"not reached within {within:g} s: {text}")


async def eventually(
    check: Callable[[], object],
    *,
    within: float = 10.0,
    every: float = POLL_SECONDS,
    message: Message = "the condition",
) -> None:
    """Until `check()` is truthy (`check` may be async); AssertionError after `within` s.

    `message` (or a callable giving it, evaluated on failure) says what was awaited.
    """
    deadline = time.monotonic() + within
    while True:
        outcome = check()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return
        if time.monotonic() > deadline:
            raise _failure(message, within)
        await asyncio.sleep(every)


def eventually_blocking(
    check: Callable[[], object],
    *,
    within: float = 10.0,
    every: float = POLL_SECONDS,
    message: Message = "the condition",
) -> None:
    """`eventually` for synchronous code (fixtures starting servers, subprocess tests)."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise _failure(message, within)
        time.sleep(every)


def finishes_within(seconds: float, work: Callable[[], T]) -> T:
    """`work()`'s result; AssertionError when it is still running after `seconds`.

    It runs in a daemon thread, so a runaway `work` fails the test at once and never keeps
    the test process from exiting.
    """
    outcome: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, name="finishes-within", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise AssertionError(f"still running after {seconds:g} s: a hang, not a slow machine")
    if errors:
        raise errors[0]
    return outcome[0]
