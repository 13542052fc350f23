"""The credit outbox worker: pushes each payment's meter credit once, however often it restarts.

Rows are claimed with `SELECT … FOR UPDATE SKIP LOCKED` and stay locked while their pushes run,
so any number of workers (processes, API copies) never push the same row concurrently. A row is
marked in the claiming transaction after the push; when a worker dies between push and mark,
the lock goes with its connection, the row is still `pending`, and the next push of the same
`external_id` (our payment id) is answered "already applied" by the platform: credited once.
Failures are retried with exponential backoff and jitter, capped at `max_seconds`, for at least
`give_up_after_seconds` (a day: rural sites lose their platform link for hours) before the row
is `dead`; a platform answer that retrying cannot fix makes it dead at once. A credit whose
site has no platform configured stays `pending` however long that lasts. Finance revives dead
credits from the portal (`POST /api/payments/outbox/retry`) or `gridcare payments retry-credits`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, text

from country_api.plugins.meters.protocol import (
    Credit,
    CreditResult,
    MeterPlatform,
    PlatformError,
    PlatformNotConfigured,
)
from gridcare.core.observability import mark_worker_pass

log = logging.getLogger(__name__)

PlatformFor = Callable[[str], MeterPlatform]
"""A site code → the meter platform that site's credits go to."""

CLAIM = text(
    """
    SELECT o.id, o.payment_id, o.site_code, o.attempts, p.electricity_minor, p.currency,
           p.provider, p.reference, a.account_number
    FROM credit_outbox o
    JOIN payments p ON p.id = o.payment_id
    JOIN accounts a ON a.id = p.account_id
    WHERE o.status = 'pending' AND o.next_attempt_at <= now()
      AND NOT EXISTS (
          SELECT 1 FROM platform_customer_outbox c
          WHERE c.account_id = p.account_id AND c.status = 'pending')
    ORDER BY o.next_attempt_at, o.id
    LIMIT :limit
    FOR UPDATE OF o SKIP LOCKED
    """
)
"""Credits of an account whose platform customer is still being created wait for it."""
MARK_DONE = text(
    """
    UPDATE credit_outbox SET status = 'done', attempts = attempts + 1, done_at = now(),
        updated_at = now(), last_error = NULL, platform_reference = :reference
    WHERE id = :id
    """
)
MARK_FAILED = text(
    """
    UPDATE credit_outbox SET attempts = attempts + 1, updated_at = now(), last_error = :error,
        status = CASE
            WHEN :final THEN 'dead'
            WHEN :keep THEN 'pending'
            WHEN :attempt_cap THEN 'dead'
            WHEN created_at <= now() - make_interval(secs => :give_up) THEN 'dead'
            ELSE 'pending' END,
        next_attempt_at = now() + make_interval(secs => :delay)
    WHERE id = :id
    RETURNING status
    """
)
"""`final`: retrying cannot help; `keep`: never give up (no platform configured yet);
`attempt_cap`: the policy's optional attempt limit is reached; else dead once old enough."""


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 2.0
    max_seconds: float = 900.0
    give_up_after_seconds: float = 24 * 3600.0
    """A credit is retried at least this long (from its payment) before it is dead."""
    max_attempts: int | None = None
    """An optional cap on attempts besides the age (tests, benchmarks)."""

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Seconds before attempt `attempts + 1`: doubling from `base_seconds`, ±50% jitter."""
        raw = min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return float(raw * rng.uniform(0.5, 1.5))


@dataclass
class DrainReport:
    claimed: int = 0
    applied: int = 0
    already_applied: int = 0
    retried: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DrainReport) -> None:
        self.claimed += other.claimed
        self.applied += other.applied
        self.already_applied += other.already_applied
        self.retried += other.retried
        self.dead += other.dead
        self.errors += other.errors[:5]


@dataclass(frozen=True)
class _Row:
    id: int
    payment_id: int
    site_code: str
    attempts: int
    credit: Credit


@dataclass(frozen=True)
class _Pushed:
    result: CreditResult | None = None
    error: str | None = None
    retryable: bool = True
    retry_after: float | None = None
    keep: bool = False
    """The site's platform is not configured: keep the credit pending, never dead."""


class CreditWorker:
    def __init__(
        self,
        *,
        engine: Engine,
        platform_for: PlatformFor,
        policy: RetryPolicy | None = None,
        batch_size: int = 32,
        push_timeout: float = 20.0,
        rng: random.Random | None = None,
    ) -> None:
        self.engine = engine
        self.platform_for = platform_for
        self.policy = policy or RetryPolicy()
        self.batch_size = batch_size
        self.push_timeout = push_timeout
        self.rng = rng or random.Random()
        self._platforms: dict[str, MeterPlatform] = {}
        self._stack = contextlib.AsyncExitStack()
        self._platform_lock = asyncio.Lock()

    async def drain_once(self) -> DrainReport:
        """Claim one batch of due rows, push them concurrently, mark them; one transaction."""
        connection = await asyncio.to_thread(self.engine.connect)
        try:
            rows = await asyncio.to_thread(self._claim, connection)
            if not rows:
                return DrainReport()
            pushed = await asyncio.gather(*(self._push(row) for row in rows))
            return await asyncio.to_thread(self._mark, connection, rows, pushed)
        finally:
            await asyncio.to_thread(connection.close)  # rolls back anything not committed

    async def drain(self, *, max_rounds: int = 10_000) -> DrainReport:
        """Push everything due now (rows that fail come due later and are left for later)."""
        total = DrainReport()
        for _ in range(max_rounds):
            report = await self.drain_once()
            total.add(report)
            if report.claimed == 0:
                break
        return total

    async def run(self, stop: asyncio.Event, *, idle_seconds: float = 0.5) -> None:
        """Drain until `stop` is set; database or platform trouble never ends the loop."""
        try:
            while not stop.is_set():
                try:
                    report = await self.drain_once()
                    mark_worker_pass("credit-outbox")
                except Exception:
                    log.exception("credit outbox pass failed; retrying")
                    report = DrainReport()
                if report.claimed == 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), idle_seconds)
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        await self._stack.aclose()
        self._platforms.clear()

    def _claim(self, connection: Connection) -> list[_Row]:
        connection.begin()
        result = connection.execute(CLAIM, {"limit": self.batch_size}).mappings()
        return [
            _Row(
                id=row["id"],
                payment_id=row["payment_id"],
                site_code=row["site_code"],
                attempts=row["attempts"],
                credit=Credit(
                    external_id=str(row["payment_id"]),
                    customer_code=row["account_number"],
                    amount_minor=row["electricity_minor"],
                    currency=row["currency"],
                    memo=f"GridCare payment {row['payment_id']} "
                    f"({row['provider']} {row['reference']})",
                ),
            )
            for row in result
        ]

    async def _platform(self, site_code: str) -> MeterPlatform:
        async with self._platform_lock:
            platform = self._platforms.get(site_code)
            if platform is None:
                platform = self.platform_for(site_code)
                enter = getattr(platform, "__aenter__", None)
                exit_ = getattr(platform, "__aexit__", None)
                if enter is not None and exit_ is not None:
                    await enter()
                    self._stack.push_async_exit(exit_)
                self._platforms[site_code] = platform
            return platform

    async def _push(self, row: _Row) -> _Pushed:
        try:
            platform = await self._platform(row.site_code)
            result = await asyncio.wait_for(platform.push_credit(row.credit), self.push_timeout)
        except PlatformNotConfigured as error:
            return _Pushed(error=str(error), keep=True, retry_after=self.policy.max_seconds)
        except PlatformError as error:
            retry_after: Any = getattr(error, "retry_after", None)
            return _Pushed(error=str(error), retryable=error.retryable, retry_after=retry_after)
        except TimeoutError:
            return _Pushed(error=f"no answer within {self.push_timeout} s")
        except Exception as error:  # a misconfigured platform: retried, then dead-lettered
            return _Pushed(error=f"{type(error).__name__}: {error}")
        return _Pushed(result=result)

    def _mark(self, connection: Connection, rows: list[_Row], pushed: list[_Pushed]) -> DrainReport:
        report = DrainReport(claimed=len(rows))
        for row, outcome in zip(rows, pushed, strict=True):
            if outcome.result is not None:
                connection.execute(
                    MARK_DONE, {"id": row.id, "reference": outcome.result.platform_reference}
                )
                if outcome.result.status == "already_applied":
                    report.already_applied += 1
                else:
                    report.applied += 1
                continue
            attempts = row.attempts + 1
            cap = self.policy.max_attempts
            delay = self.policy.delay(attempts, self.rng)
            if outcome.retry_after is not None:
                delay = max(delay, float(outcome.retry_after))
            status = connection.execute(
                MARK_FAILED,
                {
                    "id": row.id,
                    "error": (outcome.error or "")[:1000],
                    "final": not outcome.retryable,
                    "keep": outcome.keep,
                    "attempt_cap": cap is not None and attempts >= cap,
                    "give_up": self.policy.give_up_after_seconds,
                    "delay": delay,
                },
            ).scalar_one()
            dead = status == "dead"
            if dead:
                report.dead += 1
                log.warning("credit for payment %s is dead: %s", row.payment_id, outcome.error)
            else:
                report.retried += 1
            report.errors.append(outcome.error or "")
        connection.commit()
        return report
