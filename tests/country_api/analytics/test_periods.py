"""Local months and quarters: labels, parsing, and which local months a UTC day touches."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from country_api.analytics.periods import (
    Granularity,
    local_month_bounds,
    local_months_of_utc_day,
    parse_month,
    parse_quarter,
    periods,
)
from gridcare.core.errors import InvalidInput

MASERU = zoneinfo.ZoneInfo("Africa/Maseru")
LIMA = zoneinfo.ZoneInfo("America/Lima")


def test_labels_and_widening() -> None:
    months = periods(dt.date(2025, 11, 1), dt.date(2026, 1, 1), Granularity.MONTH)
    assert [p.label for p in months] == ["2025-11", "2025-12", "2026-01"]
    quarters = periods(dt.date(2025, 2, 1), dt.date(2025, 4, 1), Granularity.QUARTER)
    assert [(p.label, p.first, p.last) for p in quarters] == [
        ("2025 Q1", dt.date(2025, 1, 1), dt.date(2025, 3, 1)),
        ("2025 Q2", dt.date(2025, 4, 1), dt.date(2025, 6, 1)),
    ]


@pytest.mark.parametrize("text", ["2025Q3", "2025-Q3", "2025 q3"])
def test_quarter_spellings(text: str) -> None:
    assert parse_quarter(text, field="quarter") == dt.date(2025, 7, 1)


@pytest.mark.parametrize("text", ["2025Q0", "2025Q5", "Q3 2025", "", "2025-07"])
def test_bad_quarters_name_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_quarter(text, field="from")
    assert refused.value.fields[0]["field"] == "from"


def test_bad_months_and_ranges() -> None:
    for text in ("2025-13", "2025-00", "25-01", "2025/01"):
        with pytest.raises(InvalidInput):
            parse_month(text, field="to")
    with pytest.raises(InvalidInput):
        periods(dt.date(2000, 1, 1), dt.date(2030, 1, 1), Granularity.MONTH)


def test_utc_days_map_to_local_months() -> None:
    # 31 March UTC runs until 02:00 on 1 April in Maseru (UTC+2).
    assert local_months_of_utc_day(dt.date(2025, 3, 31), MASERU) == {
        dt.date(2025, 3, 1),
        dt.date(2025, 4, 1),
    }
    assert local_months_of_utc_day(dt.date(2025, 3, 30), MASERU) == {dt.date(2025, 3, 1)}
    # 1 April UTC starts at 19:00 on 31 March in Lima (UTC-5).
    assert local_months_of_utc_day(dt.date(2025, 4, 1), LIMA) == {
        dt.date(2025, 3, 1),
        dt.date(2025, 4, 1),
    }
    start, end = local_month_bounds(dt.date(2025, 4, 1), MASERU)
    assert (start, end) == (
        dt.datetime(2025, 3, 31, 22, tzinfo=dt.UTC),
        dt.datetime(2025, 4, 30, 22, tzinfo=dt.UTC),
    )
