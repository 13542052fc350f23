"""Reports read from the rollups (after applying whatever the triggers queued since last time).

ARPU of a period = revenue in the period / distinct accounts that have ever paid up to the
end of the period. Revenue is the whole amount paid (fees included), reversed payments
excluded. Everything is in the country's local months.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, text
from sqlmodel import Session

from country_api.analytics.periods import Period
from country_api.analytics.rollups import refresh_pending
from country_api.analytics.schemas import (
    ArpuEntry,
    ArpuFigures,
    ArpuReport,
    ConsumptionEntry,
    ConsumptionReport,
    SalesEntry,
    SalesReport,
)
from gridcare.core.countries import CountryConfig
from gridcare.core.money import digits, major_string

KWH_PLACES = Decimal("0.0001")


@dataclass
class MonthFigures:
    revenue_minor: int = 0
    fee_minor: int = 0
    payments: int = 0
    kwh_vended: Decimal = Decimal(0)
    kwh_consumed: Decimal = Decimal(0)
    new_payers: int = 0

    def add(self, other: MonthFigures) -> None:
        self.revenue_minor += other.revenue_minor
        self.fee_minor += other.fee_minor
        self.payments += other.payments
        self.kwh_vended += other.kwh_vended
        self.kwh_consumed += other.kwh_consumed
        self.new_payers += other.new_payers


@dataclass
class SiteSeries:
    """Per site: figures of each period and distinct payers up to each period's end."""

    periods: dict[str, dict[str, MonthFigures]]
    payers: dict[str, dict[str, int]]


def fresh_connection(*, session: Session, country: CountryConfig) -> Connection:
    """Applies queued rollup work (in the caller's unit of work) and returns its connection."""
    refresh_pending(session=session, timezone=country.timezone)
    return session.connection()


def site_codes(connection: Connection) -> list[str]:
    return list(connection.execute(text("SELECT code FROM sites ORDER BY code")).scalars())


def site_series(connection: Connection, periods: list[Period]) -> SiteSeries:
    last = periods[-1].last
    sites = site_codes(connection)
    period_of = {month: period.label for period in periods for month in period.months}
    figures = {site: {p.label: MonthFigures() for p in periods} for site in sites}
    payers = {site: {p.label: 0 for p in periods} for site in sites}
    ever: dict[str, int] = defaultdict(int)
    rows = connection.execute(
        text(
            "SELECT site_code, month, revenue_minor, fee_minor, payments, kwh_vended,"
            " kwh_consumed, new_payers FROM site_month WHERE month <= :last"
            " ORDER BY site_code, month"
        ),
        {"last": last},
    ).all()
    by_site: dict[str, list[tuple[dt.date, MonthFigures]]] = defaultdict(list)
    for site, month, *values in rows:
        by_site[site].append((month, MonthFigures(*values)))
    for site in sites:
        history = by_site.get(site, [])
        index = 0
        for period in periods:
            while index < len(history) and history[index][0] <= period.last:
                month, month_figures = history[index]
                ever[site] += month_figures.new_payers
                if month in period_of:
                    figures[site][period_of[month]].add(month_figures)
                index += 1
            payers[site][period.label] = ever[site]
    return SiteSeries(figures, payers)


def arpu_report(*, session: Session, country: CountryConfig, periods: list[Period]) -> ArpuReport:
    connection = fresh_connection(session=session, country=country)
    series = site_series(connection, periods)
    currency = country.currency
    entries = []
    for period in periods:
        per_site = {
            site: _arpu(
                months[period.label].revenue_minor, series.payers[site][period.label], currency
            )
            for site, months in series.periods.items()
        }
        revenue = sum(months[period.label].revenue_minor for months in series.periods.values())
        customers = sum(payers[period.label] for payers in series.payers.values())
        overall = _arpu(revenue, customers, currency)
        entries.append(
            ArpuEntry(
                period=period.label, currency=currency, per_site=per_site, **overall.model_dump()
            )
        )
    return ArpuReport(currency=currency, arpu=entries)


def sales_report(*, session: Session, country: CountryConfig, periods: list[Period]) -> SalesReport:
    connection = fresh_connection(session=session, country=country)
    series = site_series(connection, periods)
    currency = country.currency
    per_site: dict[str, list[SalesEntry]] = {}
    overall = {p.label: MonthFigures() for p in periods}
    for site, months in series.periods.items():
        per_site[site] = []
        for period in periods:
            overall[period.label].add(months[period.label])
            per_site[site].append(
                _sales(period, months[period.label], series.payers[site][period.label], currency)
            )
    entries = [
        _sales(
            period,
            overall[period.label],
            sum(payers[period.label] for payers in series.payers.values()),
            currency,
        )
        for period in periods
    ]
    return SalesReport(currency=currency, series=entries, per_site=per_site)


def consumption_report(
    *, session: Session, country: CountryConfig, periods: list[Period]
) -> ConsumptionReport:
    connection = fresh_connection(session=session, country=country)
    series = site_series(connection, periods)
    period_of = {month: period.label for period in periods for month in period.months}
    consumers: dict[tuple[str, str], int] = defaultdict(int)
    unit = "quarter" if len(periods[0].months) == 3 else "month"
    rows = connection.execute(
        text(
            "SELECT site_code, CAST(date_trunc(:unit, month) AS date), count(DISTINCT account_id)"
            " FROM account_month WHERE month BETWEEN :first AND :last AND kwh_consumed > 0"
            " GROUP BY 1, 2"
        ),
        {"unit": unit, "first": periods[0].first, "last": periods[-1].last},
    ).all()
    for site, period_start, count in rows:
        consumers[(site, period_of[period_start])] = count
    per_site: dict[str, list[ConsumptionEntry]] = {}
    totals = {p.label: (Decimal(0), 0) for p in periods}
    for site, months in series.periods.items():
        per_site[site] = []
        for period in periods:
            kwh, count = months[period.label].kwh_consumed, consumers[(site, period.label)]
            per_site[site].append(_consumption(period.label, kwh, count))
            total_kwh, total_count = totals[period.label]
            totals[period.label] = (total_kwh + kwh, total_count + count)
    entries = [_consumption(label, kwh, count) for label, (kwh, count) in totals.items()]
    return ConsumptionReport(series=entries, per_site=per_site)


def kwh_string(kwh: Decimal) -> str:
    return format(kwh.quantize(KWH_PLACES, rounding=ROUND_HALF_UP), "f")


def arpu_major(revenue_minor: int, customers: int, currency: str) -> Decimal:
    """ARPU in major units, rounded half-up to the currency's digits; 0 without customers."""
    places = Decimal(1).scaleb(-digits(currency))
    if customers == 0:
        return Decimal(0).quantize(places)
    major = Decimal(revenue_minor).scaleb(-digits(currency))
    return (major / customers).quantize(places, rounding=ROUND_HALF_UP)


def _arpu(revenue_minor: int, customers: int, currency: str) -> ArpuFigures:
    return ArpuFigures(
        revenue=major_string(revenue_minor, currency),
        customers=customers,
        arpu=format(arpu_major(revenue_minor, customers, currency), "f"),
    )


def _sales(period: Period, figures: MonthFigures, payers: int, currency: str) -> SalesEntry:
    return SalesEntry(
        period=period.label,
        revenue=major_string(figures.revenue_minor, currency),
        fees=major_string(figures.fee_minor, currency),
        payments=figures.payments,
        kwh_vended=kwh_string(figures.kwh_vended),
        customers_cumulative=payers,
    )


def _consumption(label: str, kwh: Decimal, customers: int) -> ConsumptionEntry:
    average = kwh / customers if customers else Decimal(0)
    return ConsumptionEntry(
        period=label,
        kwh=kwh_string(kwh),
        customers=customers,
        average_kwh_per_customer=kwh_string(average),
    )
