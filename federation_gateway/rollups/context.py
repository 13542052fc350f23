"""What the rollups share in one gateway app: HTTP client, cache, token issuer, rate look-ups.

Rates are read from the gateway database (the shipped file is loaded into it, never over a
stored month, on first use) and cached under the tag `fx`; a rate used by a rollup is marked
so it cannot change silently afterwards.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from federation_gateway.cache import Cache
from federation_gateway.config import Settings
from federation_gateway.fx import service as fx
from federation_gateway.fx.models import MonthlyRate
from federation_gateway.fx.service import RateKey
from federation_gateway.rollups.client import country_tag
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import unit_of_work

FX_TAG = "fx"


@dataclass
class RollupContext:
    client: httpx.AsyncClient
    settings: Settings
    engine: Engine
    cache: Cache
    issuer: TokenIssuer
    ttl_seconds: float
    seed_shipped_rates: bool = True
    _seeded: bool = False
    _seed_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _marked: set[RateKey] = field(default_factory=set)

    def _in_session(self, work: Callable[[Session], Any]) -> Any:
        with unit_of_work(self.engine) as session:
            return work(session)

    async def rates(self, keys: set[RateKey]) -> dict[RateKey, MonthlyRate]:
        if not keys:
            return {}
        if self.seed_shipped_rates and not self._seeded:
            async with self._seed_lock:
                if not self._seeded:
                    await run_in_threadpool(
                        self._in_session, lambda s: fx.seed_shipped_file(session=s)
                    )
                    self._seeded = True
        wanted = ";".join(f"{c}:{m:%Y-%m}" for c, m in sorted(keys))
        cache_key = "fx:" + hashlib.sha256(wanted.encode()).hexdigest()[:32]
        cached = await self.cache.get(cache_key)
        if isinstance(cached, list):
            found = [
                MonthlyRate(r[0], dt.date.fromisoformat(r[1]), Decimal(r[2]), r[3]) for r in cached
            ]
            return {(rate.currency, rate.month): rate for rate in found}
        rates: dict[RateKey, MonthlyRate] = await run_in_threadpool(
            self._in_session, lambda s: fx.find_rates(session=s, keys=keys)
        )
        rows = [
            [r.currency, r.month.isoformat(), str(r.usd_per_unit), r.source] for r in rates.values()
        ]
        await self.cache.set(cache_key, rows, ttl=self.ttl_seconds, tags=[FX_TAG])
        return rates

    async def mark_used(self, keys: set[RateKey]) -> None:
        fresh = keys - self._marked
        if fresh:
            await run_in_threadpool(self._in_session, lambda s: fx.mark_used(session=s, keys=fresh))
            self._marked |= fresh

    async def invalidate_country(self, slug: str) -> None:
        await self.cache.invalidate(country_tag(slug))
