"""The scheduled Koios import worker, against the fake Koios and real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest

from country_api.imports.schedule import KoiosImportSchedule, parse_sites
from country_api.plugins.meters.koios_historical import KoiosHistoricalClient, RequestCounter
from country_api.resources import CountryResources
from country_api.workers import worker_pool
from federation_gateway.tokens import TokenIssuer
from gridcare.core.countries import ConfigError
from tests.country_api.metering.conftest import add_account, hourly
from tests.fakes.koios import FakeKoios, HistoricalRow
from tests.support.countries import country_resources
from tests.support.waiting import eventually

SERIAL = "SMRSD-03-0001963E"
INTERVAL_SECONDS = 0.2
YESTERDAY_10H = dt.datetime.combine(
    dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC
)
EXPECTED = {
    YESTERDAY_10H: Decimal("0.040000"),
    YESTERDAY_10H + dt.timedelta(hours=1): Decimal("0.040000"),
}


def rows() -> list[HistoricalRow]:
    readings = [
        HistoricalRow(SERIAL, YESTERDAY_10H + dt.timedelta(minutes=15 * n), Decimal("0.010"))
        for n in range(8)
    ]
    readings.append(HistoricalRow("SMRSD-UNKNOWN", YESTERDAY_10H, Decimal("0.1")))
    return readings


def fast_client(koios: FakeKoios) -> Callable[[RequestCounter], KoiosHistoricalClient]:
    """The real client, paced for tests (the default is 3 requests / 5 s)."""

    def factory(counter: RequestCounter) -> KoiosHistoricalClient:
        return KoiosHistoricalClient(
            base_url=koios.url,
            key=koios.api_key,
            secret=koios.api_secret,
            counter=counter,
            per_page=3,
            window_seconds=0.01,
            timeout=5.0,
        )

    return factory


def scheduled(url: str, issuer: TokenIssuer, koios: FakeKoios | None) -> CountryResources:
    return country_resources(
        "ls",
        url,
        issuer,
        koios_import_interval_minutes=INTERVAL_SECONDS / 60,
        koios_import_sites="org-1/site-1",
        koios_client_factory=fast_client(koios) if koios is not None else None,
    )


@asynccontextmanager
async def koios_worker(
    url: str, issuer: TokenIssuer, koios: FakeKoios | None
) -> AsyncIterator[KoiosImportSchedule]:
    """The `koios-import` worker running, as `gridcare worker` runs it."""
    resources = scheduled(url, issuer, koios)
    try:
        async with worker_pool(resources, only=["koios-import"]) as pool:
            schedule = pool.instances["koios-import"]
            assert isinstance(schedule, KoiosImportSchedule)
            yield schedule
    finally:
        resources.engine.dispose()


def summaries(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The one-line summaries of finished runs."""
    return [r.getMessage() for r in caplog.records if "koios import in" in r.getMessage()]


def test_sites_setting_groups_sites_by_organisation() -> None:
    assert parse_sites(" org-1/a, org-1/b,org-2/c ,") == {"org-1": ["a", "b"], "org-2": ["c"]}
    assert parse_sites("") == {}
    with pytest.raises(ConfigError, match="GRIDCARE_KOIOS_IMPORT_SITES"):
        parse_sites("org-1")


async def test_schedule_is_off_by_default(ls_db: str, issuer: TokenIssuer) -> None:
    resources = country_resources("ls", ls_db, issuer)
    assert "koios-import" not in worker_pool(resources).names
    assert "koios-import" in worker_pool(scheduled(ls_db, issuer, None)).names
    resources.engine.dispose()


async def test_the_app_imports_readings_on_its_schedule(
    ls_db: str, issuer: TokenIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="country_api.imports.schedule")
    add_account(ls_db, "0045MAK", [(SERIAL, "primary")])
    with FakeKoios() as koios:
        koios.add_readings(org="org-1", site="site-1", rows=rows())
        async with koios_worker(ls_db, issuer, koios) as schedule:
            await eventually(lambda: len(summaries(caplog)) >= 2)
            assert hourly(ls_db, SERIAL) == EXPECTED
        first_run_requests = 10  # 7-day look-back to today: a page a day, yesterday 3
        requests = koios.historical_requests()
    assert schedule.stats.failures == 0
    logged = summaries(caplog)
    first = "org-1: 1 sites, 8 days, 9 readings, 8 new, 0 above the bound dropped, 1 unknown"
    assert first in logged[0]
    # Incremental: later runs start at the watermark (today), one request each.
    assert len(requests) == first_run_requests + schedule.stats.runs - 1
    assert "org-1: 1 sites, 1 days, 0 readings, 0 new" in logged[1]


async def test_two_worker_copies_never_import_at_the_same_time(
    ls_db: str, issuer: TokenIssuer
) -> None:
    add_account(ls_db, "0045MAK", [(SERIAL, "primary")])
    with FakeKoios() as koios:
        koios.add_readings(org="org-1", site="site-1", rows=rows())
        koios.hang(10)  # the first import holds the lock while its request waits
        async with (
            koios_worker(ls_db, issuer, koios) as first,
            koios_worker(ls_db, issuer, koios) as second,
        ):
            schedules = [first, second]
            await eventually(lambda: len(koios.historical_requests()) >= 1)
            await eventually(lambda: sum(s.stats.skipped for s in schedules) >= 3)
            assert len(koios.historical_requests()) == 1
            assert sum(s.stats.runs for s in schedules) == 1
            koios.heal()
            await eventually(lambda: hourly(ls_db, SERIAL) == EXPECTED)
    assert sum(s.stats.failures for s in schedules) == 0


async def test_a_failing_koios_does_not_stop_the_schedule(ls_db: str, issuer: TokenIssuer) -> None:
    add_account(ls_db, "0045MAK", [(SERIAL, "primary")])
    with FakeKoios() as koios:
        koios.add_readings(org="org-1", site="site-1", rows=rows())
        koios.fail_next(1)
        with koios.down():
            async with koios_worker(ls_db, issuer, koios) as schedule:
                await eventually(lambda: schedule.stats.failures >= 2)
                assert hourly(ls_db, SERIAL) == {}
                koios.start()  # back up (a 500 first), and the next runs import
                await eventually(lambda: hourly(ls_db, SERIAL) == EXPECTED)
                assert schedule.stats.failures >= 3


async def test_missing_credentials_are_logged_and_retried(
    ls_db: str, issuer: TokenIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("URL", "API_KEY", "API_SECRET"):
        monkeypatch.delenv(f"GRIDCARE_KOIOS_{name}", raising=False)
        monkeypatch.delenv(f"GRIDCARE_LS_KOIOS_{name}", raising=False)
    async with koios_worker(ls_db, issuer, None) as schedule:
        await eventually(lambda: schedule.stats.failures >= 2)
        assert schedule.stats.runs == schedule.stats.failures
