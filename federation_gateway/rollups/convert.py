"""Turning country series into USD rows, per-period totals and the list of rates used.

Rules (each figure can be checked by hand from the answer):
- a month's money is `amount_local * usd_per_unit` of that month, rounded to cents (half even);
- a quarter is the sum of its months' rounded USD amounts, each month with its own rate;
- a month without a rate is never converted: `amount_usd` and `rate` are null, `missing_rate`
  true, and it is left out of the totals, which are then marked partial;
- except a month with no money at all: zero is zero in any currency, so it counts as
  `amount_usd` "0.00" with no rate (a country not yet selling never makes a rollup partial).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from federation_gateway.fx.models import MonthlyRate
from federation_gateway.fx.service import RateKey
from federation_gateway.rollups.periods import Granularity, month_label, period_label

CENT = Decimal("0.01")


class MalformedAnswer(Exception):
    """A country answer that lacks a period or a figure the rollup needs."""


def usd(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, ROUND_HALF_EVEN)


def text(value: Decimal) -> str:
    return format(value, "f")


def rate_text(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def monthly_figures(
    body: dict[str, Any], months: Iterable[dt.date]
) -> dict[dt.date, dict[str, Any]]:
    """The country's `series` by month, checked to hold every month asked for."""
    series = body.get("series")
    if not isinstance(series, list):
        raise MalformedAnswer("the answer has no series")
    by_label = {str(entry.get("period")): entry for entry in series if isinstance(entry, dict)}
    figures = {}
    for month in months:
        entry = by_label.get(month_label(month))
        if entry is None:
            raise MalformedAnswer(f"the answer lacks the period {month_label(month)}")
        figures[month] = entry
    return figures


def decimal_of(entry: dict[str, Any], name: str) -> Decimal:
    try:
        return Decimal(str(entry[name]))
    except (KeyError, InvalidOperation):
        raise MalformedAnswer(f"{entry.get('period')}: no decimal {name!r}") from None


def money_row(
    month: dt.date, amount: Decimal, currency: str, rates: dict[RateKey, MonthlyRate]
) -> dict[str, Any]:
    rate = rates.get((currency, month))
    if rate is not None:
        converted: str | None = text(usd(amount * rate.usd_per_unit))
    else:
        converted = text(usd(Decimal(0))) if amount == 0 else None
    return {
        "period": month_label(month),
        "amount_local": text(amount),
        "currency": currency,
        "rate": None if rate is None else rate_text(rate.usd_per_unit),
        "amount_usd": converted,
        "missing_rate": converted is None,
    }


def money_series(
    *,
    amounts: dict[dt.date, Decimal],
    currency: str,
    granularity: Granularity,
    rates: dict[RateKey, MonthlyRate],
) -> list[dict[str, Any]]:
    """One row per period; a quarter row lists its months (each with its own rate)."""
    month_rows = [money_row(month, amount, currency, rates) for month, amount in amounts.items()]
    if granularity is Granularity.MONTH:
        return month_rows
    quarters: dict[str, list[dict[str, Any]]] = {}
    for month, row in zip(amounts, month_rows, strict=True):
        quarters.setdefault(period_label(month, granularity), []).append(row)
    rows = []
    for label, members in quarters.items():
        missing = any(row["missing_rate"] for row in members)
        total_usd = sum(
            (Decimal(row["amount_usd"]) for row in members if not row["missing_rate"]), Decimal(0)
        )
        rows.append(
            {
                "period": label,
                "amount_local": text(
                    sum((Decimal(r["amount_local"]) for r in members), Decimal(0))
                ),
                "currency": currency,
                "rate": None,
                "amount_usd": None if missing else text(usd(total_usd)),
                "missing_rate": missing,
                "months": members,
            }
        )
    return rows


def rates_listing(rates: dict[RateKey, MonthlyRate]) -> list[dict[str, str]]:
    return [
        {
            "currency": rate.currency,
            "period": month_label(rate.month),
            "rate": rate_text(rate.usd_per_unit),
            "source": rate.source,
        }
        for _, rate in sorted(rates.items())
    ]
