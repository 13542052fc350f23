"""Report periods: local calendar months and quarters of the country, and their UTC bounds."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum

from gridcare.core.errors import InvalidInput
from gridcare.core.inputs import LATEST

MAX_MONTHS = 240
"""The longest range a report answers (20 years), so a typo cannot ask for millennia."""

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


@dataclass(frozen=True)
class Period:
    label: str
    """`2025-01` for a month, `2025 Q1` for a quarter."""
    months: tuple[dt.date, ...]
    """First days of the local months it covers, in order."""

    @property
    def first(self) -> dt.date:
        return self.months[0]

    @property
    def last(self) -> dt.date:
        return self.months[-1]


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(value: str, *, field: str) -> dt.date:
    match = _MONTH.match(value.strip())
    if (
        match is None
        or not 1 <= int(match.group(2)) <= 12
        or not 1900 <= int(match.group(1)) <= LATEST.year
    ):
        raise InvalidInput.for_field(field, f"expected a month like 2025-01, got {value!r}")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def parse_quarter(value: str, *, field: str) -> dt.date:
    """`2025Q3` (also `2025-Q3`, `2025 Q3`) → the quarter's first month."""
    match = _QUARTER.match(value.strip())
    if match is None or not 1900 <= int(match.group(1)) <= LATEST.year:
        raise InvalidInput.for_field(field, f"expected a quarter like 2025Q1, got {value!r}")
    return dt.date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1)


def quarter_start(month: dt.date) -> dt.date:
    return dt.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)


def quarter_label(month: dt.date) -> str:
    return f"{month.year} Q{(month.month - 1) // 3 + 1}"


def periods(first: dt.date, last: dt.date, granularity: Granularity) -> list[Period]:
    """Months or quarters covering the months `first`..`last` (quarters widen to whole ones)."""
    if last < first:
        raise InvalidInput.for_field("to", "must not be before from")
    if granularity is Granularity.QUARTER:
        first, last = quarter_start(first), add_months(quarter_start(last), 2)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if count > MAX_MONTHS:
        raise InvalidInput.for_field("to", f"at most {MAX_MONTHS} months per report")
    months = [add_months(first, i) for i in range(count)]
    if granularity is Granularity.MONTH:
        return [Period(f"{m:%Y-%m}", (m,)) for m in months]
    return [Period(quarter_label(months[i]), tuple(months[i : i + 3])) for i in range(0, count, 3)]


def local_month_bounds(month: dt.date, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local month starts and the next one starts."""
    start = dt.datetime(month.year, month.month, 1, tzinfo=zone)
    end_month = add_months(month, 1)
    end = dt.datetime(end_month.year, end_month.month, 1, tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def local_months_of_utc_day(utc_day: dt.date, zone: zoneinfo.ZoneInfo) -> set[dt.date]:
    """The local months a UTC calendar day overlaps (one, or two at a month's edge)."""
    start = dt.datetime(utc_day.year, utc_day.month, utc_day.day, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return {_month_of(start.astimezone(zone)), _month_of(end.astimezone(zone))}


def local_month_of(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.date:
    return _month_of(moment.astimezone(zone))


def _month_of(moment: dt.datetime) -> dt.date:
    return dt.date(moment.year, moment.month, 1)
