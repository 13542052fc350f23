"""Koios v2 historical readings against the fake Koios: pages, pacing, budget, 429."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from country_api.plugins.meters.koios_historical import (
    BudgetExhausted,
    InMemoryRequestCounter,
    KoiosHistoricalClient,
    Reading,
)
from country_api.plugins.meters.protocol import PlatformError, RateLimited
from tests.fakes import FakeKoios, HistoricalRow

ORG, SITE = "org-ls", "site-shg"
JUNE_1 = dt.date(2026, 6, 1)


def quarter_hours(start: dt.datetime, count: int, serial: str = "SMRSD-03-0001963E") -> list:
    return [
        HistoricalRow(
            serial=serial,
            at=start + dt.timedelta(minutes=15 * n),
            kwh=Decimal("0.042") + n,
            customer_code="0252SHG" if n % 2 == 0 else None,
        )
        for n in range(count)
    ]


def client(koios: FakeKoios, **options: object) -> KoiosHistoricalClient:
    settings: dict = {
        "base_url": koios.url,
        "key": koios.api_key,
        "secret": koios.api_secret,
        "counter": InMemoryRequestCounter(),
        "timeout": 2.0,
        **options,
    }
    return KoiosHistoricalClient(**settings)


async def test_pages_through_three_cursor_pages(koios: FakeKoios) -> None:
    start = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    koios.add_readings(org=ORG, site=SITE, rows=quarter_hours(start, 5))
    koios.add_readings(org=ORG, site=SITE, rows=quarter_hours(start + dt.timedelta(days=1), 1))
    koios.add_readings(org=ORG, site="other-site", rows=quarter_hours(start, 3))
    historical = client(koios, per_page=2)

    pages, cursor = [], None
    while True:
        page = await historical.readings(
            org=ORG, site=SITE, since=JUNE_1, until=JUNE_1, cursor=cursor
        )
        pages.append(page)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert [len(page.readings) for page in pages] == [2, 2, 1]
    readings = [reading for page in pages for reading in page.readings]
    assert readings[0] == Reading(
        meter_id="SMRSD-03-0001963E", at=start, kwh=Decimal("0.042"), customer_code="0252SHG"
    )
    assert readings[1].customer_code is None
    assert [r.kwh for r in readings] == [Decimal("0.042") + n for n in range(5)]
    assert all(r.at.utcoffset() == dt.timedelta(0) for r in readings)
    bodies = [request.json() for request in koios.historical_requests()]
    assert bodies[0] == {
        "filters": {"sites": [SITE], "date_range": {"from": "2026-06-01", "to": "2026-06-01"}},
        "per_page": 2,
    }
    assert [body.get("cursor") for body in bodies] == [None, *(p.next_cursor for p in pages[:2])]
    assert koios.historical_requests()[0].path == f"/api/v2/organizations/{ORG}/data/historical"


async def test_aware_datetimes_filter_by_their_utc_day(koios: FakeKoios) -> None:
    late = dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC)
    koios.add_readings(org=ORG, site=SITE, rows=quarter_hours(late, 1))
    sast = dt.timezone(dt.timedelta(hours=2))

    page = await client(koios).readings(
        org=ORG,
        site=SITE,
        since=dt.datetime(2026, 6, 2, 1, 0, tzinfo=sast),  # 2026-06-01 23:00 UTC
        until=JUNE_1,
    )

    assert [reading.at for reading in page.readings] == [late]
    with pytest.raises(ValueError, match="no timezone"):
        await client(koios).readings(
            org=ORG, site=SITE, since=dt.datetime(2026, 6, 1), until=JUNE_1
        )


async def test_too_many_requests_raises_rate_limited(koios: FakeKoios) -> None:
    koios.rate_limit(retry_after=120)

    with pytest.raises(RateLimited) as raised:
        await client(koios).readings(org=ORG, site=SITE, since=JUNE_1, until=JUNE_1)

    assert raised.value.retry_after == 120
    assert not isinstance(raised.value, BudgetExhausted)


async def test_daily_budget_stops_before_calling(koios: FakeKoios) -> None:
    counter = InMemoryRequestCounter()
    noon = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    historical = client(koios, counter=counter, daily_budget=2, utc_now=lambda: noon)

    for _ in range(2):
        await historical.readings(org=ORG, site=SITE, since=JUNE_1, until=JUNE_1)
    with pytest.raises(BudgetExhausted) as raised:
        await historical.readings(org=ORG, site=SITE, since=JUNE_1, until=JUNE_1)
    await historical.readings(org="another-org", site=SITE, since=JUNE_1, until=JUNE_1)

    assert raised.value.retry_after == 12 * 3600
    assert len(koios.historical_requests()) == 3
    assert counter.counts[(ORG, noon.date())] == 3


async def test_server_errors_are_retryable_and_bad_cursors_are_not(koios: FakeKoios) -> None:
    historical = client(koios)
    koios.fail_next(1)
    with pytest.raises(PlatformError) as server_error:
        await historical.readings(org=ORG, site=SITE, since=JUNE_1, until=JUNE_1)
    with pytest.raises(PlatformError) as bad_cursor:
        await historical.readings(org=ORG, site=SITE, since=JUNE_1, until=JUNE_1, cursor="expired")

    assert server_error.value.retryable
    assert not bad_cursor.value.retryable
    assert "cursor is invalid or expired" in str(bad_cursor.value)


async def test_requests_are_paced_to_the_window_as_the_server_sees_them(
    koios: FakeKoios,
) -> None:
    """3 requests per 0.1 s here (3 per 5 s in production): no window of 0.1 s on the
    server's clock ever holds a fourth request, sequential or concurrent. (The bound holds for
    any window: a request starts a window after an earlier one ended, which the server saw
    arrive before that; the logic itself runs on a virtual clock in test_rate_limit.py.)"""
    window = 0.1
    historical = client(koios, requests_per_window=3, window_seconds=window)

    for _ in range(4):
        await historical.readings(org=ORG, site=SITE, since=JUNE_1, until=JUNE_1)
    await asyncio.gather(
        *(historical.readings(org=ORG, site=SITE, since=JUNE_1, until=JUNE_1) for _ in range(5))
    )

    times = [request.at for request in koios.historical_requests()]
    assert len(times) == 9
    assert all(later - earlier >= window for earlier, later in zip(times, times[3:], strict=False))
    assert times[-1] - times[0] >= 2 * window
