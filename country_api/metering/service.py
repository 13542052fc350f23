"""What staff see: consumption per account (primary meters only), last reading, live balance."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import text
from sqlmodel import Session

from country_api.metering.models import (
    Balance,
    ConsumptionAnswer,
    ConsumptionItem,
    LastReading,
    MeteringSummary,
)
from gridcare.core.countries import CountryConfig
from gridcare.core.errors import InvalidInput, NotFound
from gridcare.core.money import digits

Granularity = Literal["hour", "day", "month"]
KWH_PLACES = Decimal("0.0001")
MAX_BUCKETS = {"hour": 24 * 93, "day": 3 * 366, "month": 10 * 12}
DEFAULT_SPAN = {
    "hour": dt.timedelta(days=2),
    "day": dt.timedelta(days=31),
    "month": dt.timedelta(days=365),
}
BUCKET = {
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "month": dt.timedelta(days=28),
}


def kwh_text(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(KWH_PLACES))


def account_id(session: Session, account_number: str) -> int:
    found = session.execute(
        text("SELECT id FROM accounts WHERE account_number = :number"),
        {"number": account_number.upper()},
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"account {account_number} not found")
    return int(found)


def consumption_window(
    granularity: Granularity, start: dt.datetime | None, end: dt.datetime | None, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in UTC; defaults end at now; refuses ranges too long for the granularity."""
    end = _utc(end, "to") if end else now
    start = _utc(start, "from") if start else end - DEFAULT_SPAN[granularity]
    if start >= end:
        raise InvalidInput.for_field("from", "must be before `to`")
    if (end - start) / BUCKET[granularity] > MAX_BUCKETS[granularity]:
        raise InvalidInput.for_field(
            "from", f"at most {MAX_BUCKETS[granularity]} {granularity}s per request"
        )
    return start, end


def _utc(moment: dt.datetime, field: str) -> dt.datetime:
    if moment.tzinfo is None:
        raise InvalidInput.for_field(field, "needs a UTC offset, e.g. 2026-04-28T00:00:00Z")
    return moment.astimezone(dt.UTC)


def consumption(
    *,
    session: Session,
    account_number: str,
    granularity: Granularity,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    now: dt.datetime | None = None,
    timezone: str = "UTC",
) -> ConsumptionAnswer:
    """Energy per hour, or per day or month of the country's calendar (`timezone`), counting
    the account's primary meters only. Each period is named by its start instant in UTC: a
    Maseru day 2026-04-28 is `2026-04-27T22:00:00Z`."""
    account = account_id(session, account_number)
    start, end = consumption_window(granularity, start, end, now or dt.datetime.now(dt.UTC))
    rows = session.execute(
        text(
            """
            SELECT date_trunc(:unit, hour, :timezone) AS period, sum(kwh) AS kwh
            FROM hourly_consumption
            WHERE account_id = :account AND role = 'primary'
              AND hour >= :start AND hour < :end
            GROUP BY 1 ORDER BY 1
            """
        ),
        {
            "unit": granularity,
            "timezone": timezone,
            "account": account,
            "start": start,
            "end": end,
        },
    ).all()
    return ConsumptionAnswer(
        items=[
            ConsumptionItem(
                period=row.period.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                kwh=kwh_text(row.kwh),
            )
            for row in rows
        ]
    )


def summary(*, session: Session, account_number: str, country: CountryConfig) -> MeteringSummary:
    """Last primary reading, lifetime primary consumption and, once payments exist, balance."""
    account = account_id(session, account_number)
    last = session.execute(
        text(
            """
            SELECT m.meter_id, r.time, r.energy_active_wh, r.power_w, r.voltage_v, r.source
            FROM meter_assignments ma
            JOIN meters m ON m.id = ma.meter_pk
            JOIN LATERAL (SELECT * FROM readings r WHERE r.meter_pk = ma.meter_pk
                          ORDER BY r.time DESC LIMIT 1) r ON true
            WHERE ma.account_id = :account AND ma.role = 'primary'
            ORDER BY r.time DESC LIMIT 1
            """
        ),
        {"account": account},
    ).first()
    consumed = session.execute(
        text(
            "SELECT coalesce(sum(kwh), 0) FROM hourly_consumption"
            " WHERE account_id = :account AND role = 'primary'"
        ),
        {"account": account},
    ).scalar_one()
    balance, note = _balance(session, account, Decimal(consumed), country)
    return MeteringSummary(
        account_number=account_number.upper(),
        last_reading=None
        if last is None
        else LastReading(
            meter_id=last.meter_id,
            time=last.time,
            energy_kwh=None
            if last.energy_active_wh is None
            else kwh_text(last.energy_active_wh / 1000),
            power_w=None if last.power_w is None else str(last.power_w),
            voltage_v=None if last.voltage_v is None else str(last.voltage_v),
            source=last.source,
        ),
        consumed_kwh_total=kwh_text(consumed),
        balance=balance,
        balance_note=note,
    )


def _balance(
    session: Session, account: int, consumed: Decimal, country: CountryConfig
) -> tuple[Balance | None, str | None]:
    """Credits from the payments ledger minus primary consumption, when the ledger exists.

    Remaining kWh are valued at the average price the customer paid for their kWh; with no
    purchases yet, at the account's current tariff.
    """
    try:
        payments: Any = importlib.import_module("country_api.payments.ledger")
        tariffs: Any = importlib.import_module("country_api.tariffs.service")
    except ImportError:
        return None, "the payments ledger is not available yet: consumption only"
    amount_minor, credited = payments.credit_totals(session=session, account_id=account)
    credited_kwh = Decimal(credited)
    balance_kwh = credited_kwh - consumed
    if credited_kwh:
        minor_per_kwh = Decimal(amount_minor) / credited_kwh
    else:
        row = session.execute(
            text("SELECT site_code, customer_id FROM accounts WHERE id = :id"), {"id": account}
        ).one()
        tariff = tariffs.resolve_tariff(
            session=session,
            country=country,
            site_code=row.site_code,
            customer_id=row.customer_id,
            at=dt.datetime.now(dt.UTC),
        )
        rate = Decimal(tariff.rate_per_kwh) if tariff is not None else Decimal(0)
        minor_per_kwh = rate.scaleb(digits(country.currency))
    return (
        Balance(
            credited_kwh=kwh_text(credited_kwh),
            consumed_kwh=kwh_text(consumed),
            balance_kwh=kwh_text(balance_kwh),
            balance_minor=int((balance_kwh * minor_per_kwh).to_integral_value()),
            currency=country.currency,
        ),
        None,
    )
