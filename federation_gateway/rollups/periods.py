"""Months and quarters of a rollup. Quarters are labelled like the country reports: `2025 Q1`."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from gridcare.core.errors import InvalidInput

MAX_MONTHS = 240
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


def parse_month(value: str, *, field: str) -> dt.date:
    match = _MONTH.match(value.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise InvalidInput.for_field(field, f"expected a month like 2025-01, got {value!r}")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def quarter_label(month: dt.date) -> str:
    return f"{month.year} Q{(month.month - 1) // 3 + 1}"


def period_label(month: dt.date, granularity: Granularity) -> str:
    return month_label(month) if granularity is Granularity.MONTH else quarter_label(month)


def month_range(first: dt.date, last: dt.date, granularity: Granularity) -> list[dt.date]:
    """Every month from `first` to `last`; for quarters widened to whole quarters."""
    if last < first:
        raise InvalidInput.for_field("to", "must not be before from")
    if granularity is Granularity.QUARTER:
        first = dt.date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
        last = add_months(dt.date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), 2)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if count > MAX_MONTHS:
        raise InvalidInput.for_field("to", f"at most {MAX_MONTHS} months per rollup")
    return [add_months(first, index) for index in range(count)]
