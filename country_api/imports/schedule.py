"""The scheduled Koios import worker (`workers.py`): `gridcare import koios`, every interval.

Settings (environment):
- `GRIDCARE_KOIOS_IMPORT_INTERVAL_MINUTES`: minutes between runs (fractions allowed); 0, the
  default, turns the schedule off. The first run starts with the worker.
- `GRIDCARE_KOIOS_IMPORT_SITES`: comma-separated `org/site` pairs of Koios ids, e.g.
  `org-1/site-a,org-1/site-b,org-2/site-c` (an organisation's sites are imported together).
- `GRIDCARE_KOIOS_URL`, `GRIDCARE_KOIOS_API_KEY`, `GRIDCARE_KOIOS_API_SECRET` (or the
  per-country `GRIDCARE_<CC>_KOIOS_…`): the credentials, as for the command line, read each run.

Each run is the command's incremental import (from the stored watermark or cursor, no
`--since`) in a worker thread with its own event loop, so the API's loop is never blocked. A run
holds a PostgreSQL session advisory lock: of N worker copies on one database one imports at a time
and the others skip that tick. A rate limit pauses the organisation (the importer stores when)
and a later run resumes from the cursor. Errors are logged and the next interval tries again:
the schedule never stops the worker. On shutdown a run stops after the page it is storing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, text

from country_api.imports.koios import DatabaseRequestCounter, KoiosReport, import_koios
from country_api.plugins.meters.koios_historical import KoiosHistoricalClient, RequestCounter
from country_api.plugins.meters.protocol import PlatformError
from gridcare.core.countries import ConfigError
from gridcare.core.observability import mark_worker_pass

log = logging.getLogger(__name__)

LOCK_KEY = 6_500_500_6  # advisory lock id: one scheduled Koios import per database at a time

ClientFactory = Callable[[RequestCounter], KoiosHistoricalClient]


class _Stopping(Exception):
    """Raised between pages when the API shuts down; the stored cursor keeps the place."""


@dataclass
class ScheduleStats:
    runs: int = 0
    """Ticks that held the lock and imported (successfully or not)."""
    skipped: int = 0
    """Ticks where another process held the lock."""
    failures: int = 0
    """Runs where an organisation (or the run itself) failed."""
    last_summary: str | None = None


def parse_sites(value: str) -> dict[str, list[str]]:
    """`"org-1/a, org-1/b, org-2/c"` → `{"org-1": ["a", "b"], "org-2": ["c"]}`."""
    plan: dict[str, list[str]] = {}
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        org, _, site = (piece.strip() for piece in item.partition("/"))
        if not org or not site:
            raise ConfigError(f"GRIDCARE_KOIOS_IMPORT_SITES: {item!r} is not an org/site pair")
        plan.setdefault(org, []).append(site)
    return plan


class KoiosImportSchedule:
    def __init__(
        self,
        *,
        engine: Engine,
        country_code: str,
        plan: dict[str, list[str]],
        interval_seconds: float,
        client_factory: ClientFactory | None = None,
    ) -> None:
        self.engine = engine
        self.country_code = country_code
        self.plan = plan
        self.interval_seconds = interval_seconds
        self.client_factory: ClientFactory = client_factory or self._client_from_env
        self.stats = ScheduleStats()
        self._stopping = threading.Event()
        self._stop_event = asyncio.Event()

    def _client_from_env(self, counter: RequestCounter) -> KoiosHistoricalClient:
        return KoiosHistoricalClient.from_env(self.country_code, counter=counter)

    async def run(self, stop: asyncio.Event) -> None:
        """Runs until `stop` is set: an import, then a wait of one interval, and again. A run
        in progress when `stop` is set ends after the page it is storing."""
        self._stop_event = stop
        while not stop.is_set():
            await asyncio.to_thread(self.run_once)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval_seconds)

    def stop(self) -> None:
        """Asks a run in progress to stop after the page it is storing."""
        self._stopping.set()

    def run_once(self) -> str:
        """One tick (blocking): import under the advisory lock, or skip; never raises."""
        try:
            with self.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT")
                locked = connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
                ).scalar_one()
                if not locked:
                    self.stats.skipped += 1
                    log.info("koios import: another process is importing; skipped this tick")
                    return "skipped"
                try:
                    self.stats.runs += 1
                    summary = asyncio.run(self._import_all())
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        except _Stopping:
            summary = "koios import: stopped for shutdown; the next run resumes from the cursor"
            log.info(summary)
        except Exception:
            self.stats.failures += 1
            summary = "koios import: failed; trying again next interval"
            log.exception(summary)
        self.stats.last_summary = summary
        return summary

    async def _import_all(self) -> str:
        started = time.monotonic()
        parts: list[str] = []
        failed = False
        async with self.client_factory(DatabaseRequestCounter(self.engine)) as client:
            for org, sites in self.plan.items():
                try:
                    report = await import_koios(
                        engine=self.engine,
                        client=client,
                        org=org,
                        sites=sites,
                        on_page=self._check_stopping,
                    )
                except PlatformError as error:
                    failed = True
                    parts.append(f"{org}: failed ({error})")
                    continue
                parts.append(_describe(report))
        if failed:
            self.stats.failures += 1
        else:
            mark_worker_pass("koios-import")
        summary = f"koios import in {time.monotonic() - started:.1f} s: " + "; ".join(parts)
        (log.warning if failed else log.info)(summary)
        return summary

    def _check_stopping(self, site: str, day: dt.date, count: int) -> None:
        if self._stopping.is_set() or self._stop_event.is_set():
            raise _Stopping


def _describe(report: KoiosReport) -> str:
    sites = report.sites
    line = (
        f"{report.org}: {len(sites)} sites, {sum(s.days for s in sites)} days, "
        f"{sum(s.readings for s in sites)} readings, {sum(s.stored for s in sites)} new, "
        f"{sum(s.out_of_bounds for s in sites)} above the bound dropped, "
        f"{len(set().union(*(s.unknown_meters for s in sites)))} unknown meters"
    )
    return f"{line}, stopped: {report.stopped}" if report.stopped else line
