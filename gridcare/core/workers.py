"""Background workers: what one is, and how a process runs a set of them.

A worker is an object with `async run(stop)` that works until `stop` is set and never ends on
a passing error (it logs and tries again). A service lists its workers once (`WorkerSpec`s in
its `workers.py`); `WorkerPool` starts the enabled ones as tasks and stops them together. Every
worker claims its work in the database (row locks with SKIP LOCKED, or an advisory lock), so
any number of processes may run the same set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from types import TracebackType
from typing import Generic, Protocol, TypeVar

from gridcare.core.observability import mark_worker_pass

log = logging.getLogger(__name__)
R = TypeVar("R")


class Worker(Protocol):
    async def run(self, stop: asyncio.Event) -> None: ...


@dataclass(frozen=True)
class WorkerSpec(Generic[R]):
    name: str
    description: str
    enabled: Callable[[R], bool]
    """Whether this worker has anything to do under these resources (a feature, a setting)."""
    build: Callable[[R], Worker]
    stop_timeout: float = 30.0


class Periodic:
    """Calls a blocking `task` in a thread now and every `every_seconds` until stopped."""

    def __init__(self, name: str, task: Callable[[], object], every_seconds: float) -> None:
        self.name = name
        self.task = task
        self.every_seconds = every_seconds
        self.passes = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.task)
                self.passes += 1
                mark_worker_pass(self.name)
            except Exception:  # the next pass tries again
                log.exception("%s failed; trying again in %s s", self.name, self.every_seconds)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.every_seconds)


class WorkerPool(Generic[R]):
    """`async with WorkerPool(specs, resources) as pool:` runs the enabled workers meanwhile.

    `only` limits it to some names; `pool.instances[name]` is the running worker (tests).
    """

    def __init__(
        self,
        specs: Collection[WorkerSpec[R]],
        resources: R,
        *,
        only: Collection[str] | None = None,
    ) -> None:
        unknown = set(only or ()) - {spec.name for spec in specs}
        if unknown:
            raise ValueError(f"no worker named {', '.join(sorted(unknown))}")
        self.specs = [
            spec
            for spec in specs
            if (only is None or spec.name in only) and spec.enabled(resources)
        ]
        self.resources = resources
        self.stop = asyncio.Event()
        self.instances: dict[str, Worker] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def names(self) -> list[str]:
        return [spec.name for spec in self.specs]

    async def __aenter__(self) -> WorkerPool[R]:
        for spec in self.specs:
            worker = spec.build(self.resources)
            self.instances[spec.name] = worker
            self._tasks[spec.name] = asyncio.create_task(worker.run(self.stop), name=spec.name)
            log.info("worker %s started: %s", spec.name, spec.description)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop.set()
        for spec in self.specs:
            task = self._tasks.get(spec.name)
            if task is None:
                continue
            try:
                await asyncio.wait_for(task, spec.stop_timeout)
            except TimeoutError:
                log.warning(
                    "worker %s did not stop within %s s; cancelled", spec.name, spec.stop_timeout
                )
            except Exception:
                log.exception("worker %s ended with an error", spec.name)

    def stopped(self) -> list[str]:
        """Workers that have ended although nobody asked them to (they should run forever)."""
        return [name for name, task in self._tasks.items() if task.done()]

    async def wait(self) -> None:
        """Until every worker has ended (after `stop` is set, or each ended on its own)."""
        if self._tasks:
            await asyncio.wait(self._tasks.values())
