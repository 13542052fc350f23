"""The platform-customer outbox: customers created on the meter platforms that keep their own
customer list (SparkMeter Koios, ThunderCloud), once, however often the worker restarts.

Commissioning writes a `platform_customer_outbox` row in its transaction (one per account and
platform). The worker claims due rows with `FOR UPDATE SKIP LOCKED`, calls the site's platform
`create_customer` (idempotent on our account number: a repeat answers `exists`) and marks the
row in the claiming transaction, retrying with the credit outbox's backoff. The credit outbox
holds an account's credits while its customer row is not `done` (see `CLAIM` in
`payments/outbox.py`), so the first credit never meets "unknown customer".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text

from country_api.payments.outbox import PlatformFor, RetryPolicy
from country_api.plugins.meters.protocol import (
    CustomerRegistry,
    PlatformCustomerData,
    PlatformError,
    PlatformNotConfigured,
)
from gridcare.core.observability import mark_worker_pass

log = logging.getLogger(__name__)

CUSTOMER_PLATFORMS = frozenset({"koios", "thundercloud"})
"""Meter platforms (plugin names) that keep their own customer list."""

CLAIM = text(
    """
    SELECT o.id, o.site_code, o.attempts, o.payload, a.account_number
    FROM platform_customer_outbox o JOIN accounts a ON a.id = o.account_id
    WHERE o.status = 'pending' AND o.next_attempt_at <= now()
    ORDER BY o.next_attempt_at, o.id
    LIMIT :limit
    FOR UPDATE OF o SKIP LOCKED
    """
)
MARK_DONE = text(
    """
    UPDATE platform_customer_outbox SET status = 'done', attempts = attempts + 1,
        done_at = now(), updated_at = now(), last_error = NULL, platform_reference = :reference
    WHERE id = :id
    """
)
MARK_FAILED = text(
    """
    UPDATE platform_customer_outbox SET attempts = attempts + 1, updated_at = now(),
        last_error = :error,
        status = CASE WHEN :final THEN 'dead' WHEN :keep THEN 'pending'
            WHEN created_at <= now() - make_interval(secs => :give_up) THEN 'dead'
            ELSE 'pending' END,
        next_attempt_at = now() + make_interval(secs => :delay)
    WHERE id = :id
    """
)
ENQUEUE = text(
    """
    INSERT INTO platform_customer_outbox (account_id, platform, site_code, payload)
    VALUES (:account_id, :platform, :site_code, CAST(:payload AS jsonb))
    ON CONFLICT (account_id, platform) DO UPDATE SET payload = EXCLUDED.payload,
        updated_at = now()
    WHERE platform_customer_outbox.status <> 'done'
    """
)


@dataclass
class CustomerDrain:
    claimed: int = 0
    created: int = 0
    existed: int = 0
    failed: int = 0


class PlatformCustomerWorker:
    def __init__(
        self,
        *,
        engine: Engine,
        platform_for: PlatformFor,
        policy: RetryPolicy | None = None,
        batch_size: int = 16,
        rng: random.Random | None = None,
    ) -> None:
        self.engine = engine
        self.platform_for = platform_for
        self.policy = policy or RetryPolicy()
        self.batch_size = batch_size
        self.rng = rng or random.Random()

    async def drain_once(self) -> CustomerDrain:
        return await asyncio.to_thread(self._drain_sync_claim)

    def _drain_sync_claim(self) -> CustomerDrain:
        with self.engine.connect() as connection:
            connection.begin()
            rows = list(connection.execute(CLAIM, {"limit": self.batch_size}).mappings())
            report = CustomerDrain(claimed=len(rows))
            for row in rows:
                self._one(connection, row, report)
            connection.commit()
            return report

    def _one(self, connection: Connection, row: Any, report: CustomerDrain) -> None:
        payload = row["payload"]
        data = PlatformCustomerData(
            code=row["account_number"],
            name=str(payload.get("name") or row["account_number"]),
            phone=payload.get("phone"),
            meter_serial=payload.get("meter_serial"),
            site_code=row["site_code"],
        )
        error: str | None = None
        final = keep = False
        try:
            platform = self.platform_for(row["site_code"])
            if not isinstance(platform, CustomerRegistry):
                connection.execute(MARK_DONE, {"id": row["id"], "reference": None})
                report.existed += 1
                return
            result = asyncio.run(_create(platform, data))
        except PlatformNotConfigured as failure:
            error, keep = str(failure), True
        except PlatformError as failure:
            error, final = str(failure), not failure.retryable
        except Exception as failure:  # a misconfigured platform: retried, then dead
            error = f"{type(failure).__name__}: {failure}"
        if error is None:
            connection.execute(MARK_DONE, {"id": row["id"], "reference": result.platform_reference})
            if result.status == "created":
                report.created += 1
            else:
                report.existed += 1
            return
        report.failed += 1
        log.warning("platform customer %s not created: %s", data.code, error)
        connection.execute(
            MARK_FAILED,
            {
                "id": row["id"],
                "error": error[:1000],
                "final": final,
                "keep": keep,
                "give_up": self.policy.give_up_after_seconds,
                "delay": self.policy.delay(int(row["attempts"]) + 1, self.rng),
            },
        )

    async def drain(self, *, max_rounds: int = 1000) -> CustomerDrain:
        total = CustomerDrain()
        for _ in range(max_rounds):
            report = await self.drain_once()
            total.claimed += report.claimed
            total.created += report.created
            total.existed += report.existed
            total.failed += report.failed
            if report.claimed == 0:
                break
        return total

    async def run(self, stop: asyncio.Event, *, idle_seconds: float = 1.0) -> None:
        while not stop.is_set():
            try:
                report = await self.drain_once()
                mark_worker_pass("platform-customers")
            except Exception:
                log.exception("platform customer pass failed; retrying")
                report = CustomerDrain()
            if report.claimed == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle_seconds)


async def _create(platform: CustomerRegistry, data: PlatformCustomerData) -> Any:
    enter = getattr(platform, "__aenter__", None)
    exit_ = getattr(platform, "__aexit__", None)
    if enter is None or exit_ is None:
        return await platform.create_customer(data)
    await enter()
    try:
        return await platform.create_customer(data)
    finally:
        await exit_(None, None, None)
