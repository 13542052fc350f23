"""Koios v2 historical import: per organisation and site, day by day, resumable.

State lives in `import_cursors` (source `koios`):
- scope `<org>`: the organisation's request count for the UTC day (shared by every importing
  process; Koios allows 30,000 a day) and `paused_until` after a 429 or a spent budget;
- scope `<org>/<site>`: `watermark` (the first day not yet complete) and, while a day is being
  paged, that day and the page `cursor`, stored in the same transaction as the page's readings.
A 429 stops the organisation; the next run resumes from the stored cursor (or the day's start
if the cursor expired). Without `since`, a run continues from the watermark (incremental);
`since` re-imports from that day (gap filling; re-imported readings are duplicates).
Readings above `MAX_READING_KWH` are dropped and reported; energy lands in its UTC hour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Connection, Engine, text

from country_api.metering.ingest import ingest_readings
from country_api.metering.models import IncomingReading, ReadingSource
from country_api.plugins.meters.koios_historical import KoiosHistoricalClient, Reading
from country_api.plugins.meters.protocol import PlatformError, RateLimited
from gridcare.core.observability import count_import_rows

MAX_READING_KWH = Decimal(100)
DEFAULT_LOOKBACK = dt.timedelta(days=7)
DEFAULT_PAUSE = dt.timedelta(minutes=1)
SOURCE = "koios"


class DatabaseRequestCounter:
    """Counts Koios requests per organisation and UTC day in `import_cursors` (atomically)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def count_request(self, *, org: str, day: dt.date) -> int:
        with self.engine.begin() as connection:
            return int(
                connection.execute(
                    text(
                        """
                        INSERT INTO import_cursors AS c
                            (source, scope, budget_day, requests_on_budget_day)
                        VALUES ('koios', :org, :day, 1)
                        ON CONFLICT (source, scope) DO UPDATE SET
                            requests_on_budget_day = CASE WHEN c.budget_day = EXCLUDED.budget_day
                                THEN c.requests_on_budget_day + 1 ELSE 1 END,
                            budget_day = EXCLUDED.budget_day, updated_at = now()
                        RETURNING requests_on_budget_day
                        """
                    ),
                    {"org": org, "day": day},
                ).scalar_one()
            )


@dataclass
class SiteReport:
    site: str
    days: int = 0
    pages: int = 0
    readings: int = 0
    stored: int = 0
    out_of_bounds: int = 0
    unknown_meters: set[str] = field(default_factory=set)


@dataclass
class KoiosReport:
    org: str
    sites: list[SiteReport] = field(default_factory=list)
    stopped: str | None = None
    """Why the organisation stopped early (rate limited, paused), else None."""


def _state(engine: Engine, scope: str) -> dict[str, object]:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT * FROM import_cursors WHERE source = :source AND scope = :scope"),
            {"source": SOURCE, "scope": scope},
        ).first()
    return dict(row._mapping) if row else {}


def _pause(engine: Engine, org: str, until: dt.datetime, reason: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                """
                INSERT INTO import_cursors (source, scope, paused_until, last_error)
                VALUES (:source, :org, :until, :reason)
                ON CONFLICT (source, scope) DO UPDATE SET paused_until = EXCLUDED.paused_until,
                    last_error = EXCLUDED.last_error, updated_at = now()
                """
            ),
            {"source": SOURCE, "org": org, "until": until, "reason": reason},
        )


def _save_site(
    connection: Connection,
    scope: str,
    watermark: dt.date | None,
    day: dt.date | None,
    cursor: str | None,
) -> None:
    connection.execute(
        text(
            """
            INSERT INTO import_cursors (source, scope, watermark, window_start, cursor)
            VALUES (:source, :scope, :watermark, :day, :cursor)
            ON CONFLICT (source, scope) DO UPDATE SET watermark = EXCLUDED.watermark,
                window_start = EXCLUDED.window_start, cursor = EXCLUDED.cursor,
                last_error = NULL, updated_at = now()
            """
        ),
        {
            "source": SOURCE,
            "scope": scope,
            "watermark": _midnight(watermark) if watermark else None,
            "day": _midnight(day) if day else None,
            "cursor": cursor,
        },
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


async def import_koios(
    *,
    engine: Engine,
    client: KoiosHistoricalClient,
    org: str,
    sites: list[str],
    since: dt.date | None = None,
    until: dt.date | None = None,
    now: dt.datetime | None = None,
    on_page: Callable[[str, dt.date, int], None] | None = None,
) -> KoiosReport:
    """Imports `sites` of `org` up to `until` (default today, UTC)."""
    now = now or dt.datetime.now(dt.UTC)
    today = now.date()
    until = min(until or today, today)
    report = KoiosReport(org=org)
    paused = _state(engine, org).get("paused_until")
    if isinstance(paused, dt.datetime) and paused > now:
        report.stopped = f"paused until {paused.isoformat()} after a rate limit"
        return report
    for site in sites:
        site_report = SiteReport(site=site)
        report.sites.append(site_report)
        try:
            await _import_site(engine, client, org, site, since, until, today, site_report, on_page)
        except RateLimited as limited:
            pause = (
                dt.timedelta(seconds=limited.retry_after) if limited.retry_after else DEFAULT_PAUSE
            )
            _pause(engine, org, now + pause, str(limited))
            report.stopped = f"rate limited ({limited}); resumes after {(now + pause).isoformat()}"
            return report
    return report


async def _import_site(
    engine: Engine,
    client: KoiosHistoricalClient,
    org: str,
    site: str,
    since: dt.date | None,
    until: dt.date,
    today: dt.date,
    report: SiteReport,
    on_page: Callable[[str, dt.date, int], None] | None,
) -> None:
    scope = f"{org}/{site}"
    state = _state(engine, scope)
    cursor: str | None = None
    if since is not None:
        day = since
    elif isinstance(window := state.get("window_start"), dt.datetime) and state.get("cursor"):
        day = window.date()
        cursor = str(state["cursor"])
    elif isinstance(mark := state.get("watermark"), dt.datetime):
        day = mark.date()
    else:
        day = until - DEFAULT_LOOKBACK
    while day <= until:
        try:
            page = await client.readings(org=org, site=site, since=day, until=day, cursor=cursor)
        except RateLimited:
            raise
        except PlatformError as error:
            if cursor is None or error.retryable:
                raise
            cursor = None  # the stored cursor expired: page the day again from its start
            continue
        report.pages += 1
        next_cursor = page.next_cursor
        finished = next_cursor is None
        watermark = min(day + dt.timedelta(days=1), today) if finished else None
        with engine.begin() as connection:
            _store_page(connection, page.readings, report)
            if finished:
                _save_site(connection, scope, watermark, None, None)
            else:
                _save_site(connection, scope, _current_watermark(state, day), day, next_cursor)
        if on_page:
            on_page(site, day, len(page.readings))
        if finished:
            report.days += 1
            day += dt.timedelta(days=1)
            cursor = None
        else:
            cursor = next_cursor


def _current_watermark(state: dict[str, object], day: dt.date) -> dt.date:
    mark = state.get("watermark")
    return mark.date() if isinstance(mark, dt.datetime) else day


def _store_page(connection: Connection, readings: list[Reading], report: SiteReport) -> None:
    report.readings += len(readings)
    incoming = []
    for reading in readings:
        if reading.kwh < 0 or reading.kwh > MAX_READING_KWH:
            report.out_of_bounds += 1
            continue
        incoming.append(
            IncomingReading(
                meter_id=reading.meter_id,
                time=reading.at,
                source=ReadingSource.KOIOS,
                interval_wh=reading.kwh * 1000,
            )
        )
    outcomes = ingest_readings(connection, incoming, log_refusals=False)
    count_import_rows("koios", sum(outcome.status == "stored" for outcome in outcomes))
    for outcome in outcomes:
        if outcome.status == "stored":
            report.stored += 1
        elif outcome.status == "rejected" and outcome.status_code == 404:
            report.unknown_meters.add(outcome.meter_id)
