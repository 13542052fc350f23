"""Koios v2 historical import against the fake Koios: hours, bounds, 429 and resume."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg

from country_api.imports.koios import DatabaseRequestCounter, import_koios
from country_api.plugins.meters.koios_historical import KoiosHistoricalClient
from gridcare.core.db import make_engine
from tests.country_api.metering.conftest import add_account, hourly, utc
from tests.fakes.koios import FakeKoios, HistoricalRow

SERIAL = "SMRSD-03-0001963E"
NOW = dt.datetime(2026, 6, 3, 8, 0, tzinfo=dt.UTC)


def rows() -> list[HistoricalRow]:
    at = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    readings = [
        HistoricalRow(SERIAL, at + dt.timedelta(minutes=15 * n), Decimal("0.010")) for n in range(8)
    ]
    readings.append(
        HistoricalRow(SERIAL, dt.datetime(2026, 6, 2, 23, 45, tzinfo=dt.UTC), Decimal("0.5"))
    )
    readings.append(
        HistoricalRow(SERIAL, dt.datetime(2026, 6, 2, 12, 0, tzinfo=dt.UTC), Decimal("250"))
    )
    readings.append(
        HistoricalRow(
            "SMRSD-UNKNOWN", dt.datetime(2026, 6, 2, 12, 0, tzinfo=dt.UTC), Decimal("0.1")
        )
    )
    return readings


def client(koios: FakeKoios, engine: object) -> KoiosHistoricalClient:
    return KoiosHistoricalClient(
        base_url=koios.url,
        key=koios.api_key,
        secret=koios.api_secret,
        counter=DatabaseRequestCounter(engine),  # type: ignore[arg-type]
        per_page=3,
        window_seconds=0.01,
        utc_now=lambda: NOW,
    )


EXPECTED = {
    utc("2026-06-01T10:00"): Decimal("0.040000"),
    utc("2026-06-01T11:00"): Decimal("0.040000"),
    utc("2026-06-02T23:00"): Decimal("0.500000"),
}


async def test_import_sums_hours_drops_outliers_and_reports_unknown(ls_db: str) -> None:
    add_account(ls_db, "0045MAK", [(SERIAL, "primary")])
    engine = make_engine(ls_db, pool_size=2)
    with FakeKoios() as koios:
        koios.add_readings(org="org-1", site="site-1", rows=rows())
        async with client(koios, engine) as koios_client:
            report = await import_koios(
                engine=engine,
                client=koios_client,
                org="org-1",
                sites=["site-1"],
                since=dt.date(2026, 6, 1),
                now=NOW,
            )
            again = await import_koios(
                engine=engine, client=koios_client, org="org-1", sites=["site-1"], now=NOW
            )
    engine.dispose()
    assert report.stopped is None
    (site,) = report.sites
    assert (site.days, site.readings, site.stored, site.out_of_bounds) == (3, 11, 9, 1)
    assert site.unknown_meters == {"SMRSD-UNKNOWN"}
    assert hourly(ls_db, SERIAL) == EXPECTED
    # Incremental: the second run starts at the watermark (today) and stores nothing new.
    assert again.sites[0].days == 1 and again.sites[0].stored == 0
    with psycopg.connect(ls_db) as db:
        count = db.execute(
            "SELECT requests_on_budget_day FROM import_cursors WHERE scope = 'org-1'"
        ).fetchone()
    assert count is not None and count[0] == len(koios.historical_requests())


async def test_rate_limit_stops_the_org_and_the_next_run_resumes_from_the_cursor(
    ls_db: str,
) -> None:
    add_account(ls_db, "0045MAK", [(SERIAL, "primary")])
    engine = make_engine(ls_db, pool_size=2)
    with FakeKoios() as koios:
        koios.add_readings(org="org-1", site="site-1", rows=rows())

        def limit_after_first_page(site: str, day: dt.date, count: int) -> None:
            koios.rate_limit(retry_after=30)

        async with client(koios, engine) as koios_client:
            stopped = await import_koios(
                engine=engine,
                client=koios_client,
                org="org-1",
                sites=["site-1"],
                since=dt.date(2026, 6, 1),
                now=NOW,
                on_page=limit_after_first_page,
            )
            koios.heal()
            too_soon = await import_koios(
                engine=engine, client=koios_client, org="org-1", sites=["site-1"], now=NOW
            )
            resumed = await import_koios(
                engine=engine,
                client=koios_client,
                org="org-1",
                sites=["site-1"],
                now=NOW + dt.timedelta(seconds=31),
            )
        bodies = [request.json() for request in koios.historical_requests()]
    engine.dispose()
    assert stopped.stopped is not None and "rate limited" in stopped.stopped
    assert too_soon.stopped is not None and "paused" in too_soon.stopped
    assert resumed.stopped is None
    # The resumed run's first request carried the cursor stored when the 429 hit.
    assert bodies[2].get("cursor") == bodies[1].get("cursor") is not None
    assert hourly(ls_db, SERIAL) == EXPECTED
