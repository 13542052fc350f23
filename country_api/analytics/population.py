"""Customer statistics per site and period, and daily load profiles (local hour of day).

A customer counts from its `connected_at` day (its creation day when that is unknown) and
stops being active on its `terminated_at` day. Activation rate = customers that have paid at
least once by the end of the period / customers connected by then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from sqlalchemy import text
from sqlmodel import Session

from country_api.analytics.periods import Period, add_months
from country_api.analytics.schemas import (
    CustomerEntry,
    CustomerReport,
    HourPoint,
    LoadProfileReport,
)
from country_api.analytics.service import fresh_connection, site_codes
from gridcare.core.countries import CountryConfig

RATE_PLACES = Decimal("0.0001")
PROFILE_PLACES = Decimal("0.000001")

_CUSTOMERS = text(
    """
    WITH people AS (
        SELECT c.site_code,
               coalesce(c.connected_at, CAST(c.created_at AT TIME ZONE :tz AS date)) AS connected,
               c.terminated_at,
               (SELECT min(f.first_month) FROM accounts a
                JOIN account_first_payment f ON f.account_id = a.id
                WHERE a.customer_id = c.id) AS first_paid
        FROM customers c
    )
    SELECT p.label, people.site_code,
           count(*) FILTER (WHERE people.connected < p.next_day) AS total,
           count(*) FILTER (WHERE people.connected < p.next_day
                            AND (people.terminated_at IS NULL
                                 OR people.terminated_at >= p.next_day)) AS active,
           count(*) FILTER (WHERE people.connected >= p.first_day
                            AND people.connected < p.next_day) AS new,
           count(*) FILTER (WHERE people.terminated_at >= p.first_day
                            AND people.terminated_at < p.next_day) AS terminated,
           count(*) FILTER (WHERE people.connected < p.next_day
                            AND people.first_paid <= p.last_month) AS paying
    FROM unnest(CAST(:labels AS text[]), CAST(:firsts AS date[]), CAST(:nexts AS date[]),
                CAST(:lasts AS date[])) AS p(label, first_day, next_day, last_month)
    CROSS JOIN people
    GROUP BY 1, 2
    """
)


def customer_report(
    *, session: Session, country: CountryConfig, periods: list[Period]
) -> CustomerReport:
    connection = fresh_connection(session=session, country=country)
    rows = connection.execute(
        _CUSTOMERS,
        {
            "tz": country.timezone,
            "labels": [p.label for p in periods],
            "firsts": [p.first for p in periods],
            "nexts": [add_months(p.last, 1) for p in periods],
            "lasts": [p.last for p in periods],
        },
    ).all()
    counts: dict[tuple[str, str], list[int]] = {}
    for label, site, *values in rows:
        counts[(site, label)] = list(values)
    per_site: dict[str, list[CustomerEntry]] = {}
    overall: dict[str, list[int]] = {p.label: [0] * 5 for p in periods}
    for site in site_codes(connection):
        per_site[site] = []
        for period in periods:
            values = counts.get((site, period.label), [0] * 5)
            overall[period.label] = [
                a + b for a, b in zip(overall[period.label], values, strict=True)
            ]
            per_site[site].append(_entry(period.label, values))
    series = [_entry(p.label, overall[p.label]) for p in periods]
    return CustomerReport(series=series, per_site=per_site)


def _entry(label: str, values: list[int]) -> CustomerEntry:
    total, active, new, terminated, paying = values
    active_before = active - new + terminated
    return CustomerEntry(
        period=label,
        total=total,
        active=active,
        new=new,
        terminated=terminated,
        paying=paying,
        activation_rate=_fraction(paying, total),
        growth=active - active_before,
        growth_rate=_fraction(active - active_before, active_before),
    )


def _fraction(part: int, whole: int) -> str | None:
    if whole == 0:
        return None
    return format((Decimal(part) / whole).quantize(RATE_PLACES, rounding=ROUND_HALF_UP), "f")


GroupBy = Literal["all", "site", "customer_type"]

_GROUP_COLUMN = {"all": "'all'", "site": "a.site_code", "customer_type": "c.customer_type"}


def load_profile(
    *,
    session: Session,
    country: CountryConfig,
    first: dt.date,
    last: dt.date,
    group_by: GroupBy,
) -> LoadProfileReport:
    """Average kWh a customer's primary meter measures in each local hour of the day."""
    connection = fresh_connection(session=session, country=country)
    column = _GROUP_COLUMN[group_by]
    rows = connection.execute(
        text(
            f"SELECT {column} AS curve, p.hour_of_day, sum(p.kwh), sum(p.hours)"  # noqa: S608
            " FROM account_hour_profile p JOIN accounts a ON a.id = p.account_id"
            " JOIN customers c ON c.id = a.customer_id"
            " WHERE p.month BETWEEN :first AND :last GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        {"first": first, "last": last},
    ).all()
    sums: dict[str, dict[int, tuple[Decimal, int]]] = defaultdict(dict)
    for curve, hour, kwh, hours in rows:
        sums[str(curve)][int(hour)] = (Decimal(kwh), int(hours))
    curves = {
        curve: [_point(hour, by_hour.get(hour, (Decimal(0), 0))) for hour in range(24)]
        for curve, by_hour in sorted(sums.items())
    }
    return LoadProfileReport(
        period_from=f"{first:%Y-%m}",
        period_to=f"{last:%Y-%m}",
        group_by=group_by,
        curves=curves,
    )


def _point(hour: int, figures: tuple[Decimal, int]) -> HourPoint:
    kwh, samples = figures
    average = kwh / samples if samples else Decimal(0)
    return HourPoint(
        hour=hour,
        kwh=format(average.quantize(PROFILE_PLACES, rounding=ROUND_HALF_UP), "f"),
        samples=samples,
    )
