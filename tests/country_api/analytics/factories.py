"""A small hand-made country: customers, accounts, ledger rows and hourly consumption, written
straight into the tables (reversals through the ledger service), plus the reference figures
computed from those same rows in plain Python."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlmodel import Session

from country_api.analytics.rollups import refresh_pending
from country_api.metering.partitions import ensure_partitions, forget_known_partitions
from country_api.payments.ledger import reverse_payment
from country_api.sites.service import sync_sites
from gridcare.core.db import make_engine, unit_of_work
from tests.support.countries import country_settings

MASERU = zoneinfo.ZoneInfo("Africa/Maseru")
_references = itertools.count(1)


@pytest.fixture
def ls_engine(ls_db: str) -> Iterator[Engine]:
    forget_known_partitions()
    engine = make_engine(ls_db, pool_size=5)
    with unit_of_work(engine) as session:
        sync_sites(session=session, country=country_settings("ls", ls_db).country)
    yield engine
    engine.dispose()


def utc(text_time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text_time).replace(tzinfo=dt.UTC)


def add_account(
    engine: Engine,
    number: str,
    *,
    customer_type: str = "household",
    connected: dt.date | None = dt.date(2025, 1, 5),
    terminated: dt.date | None = None,
) -> int:
    site, sequence = number[-3:], int(number[:-3])
    with engine.begin() as connection:
        customer_id = connection.execute(
            text(
                "INSERT INTO customers (first_name, site_code, customer_type, connected_at,"
                " terminated_at) VALUES ('Test', :site, :type, :connected, :terminated)"
                " RETURNING id"
            ),
            {"site": site, "type": customer_type, "connected": connected, "terminated": terminated},
        ).scalar_one()
        return int(
            connection.execute(
                text(
                    "INSERT INTO accounts (account_number, customer_id, site_code, sequence)"
                    " VALUES (:number, :customer, :site, :sequence) RETURNING id"
                ),
                {"number": number, "customer": customer_id, "site": site, "sequence": sequence},
            ).scalar_one()
        )


def pay(
    engine: Engine,
    account_id: int,
    amount_minor: int,
    paid_at: dt.datetime,
    *,
    fee_minor: int = 0,
    rate: Decimal = Decimal("5.0"),
    currency: str = "LSL",
) -> int:
    electricity = amount_minor - fee_minor
    kwh = (Decimal(electricity) / 100 / rate).quantize(Decimal("0.0001"))
    with engine.begin() as connection:
        return int(
            connection.execute(
                text(
                    "INSERT INTO payments (account_id, provider, reference, amount_minor,"
                    " currency, electricity_minor, fee_minor, kwh, rate, paid_at, source)"
                    " VALUES (:account, 'test', :reference, :amount, :currency, :electricity,"
                    " :fee, :kwh, :rate, :paid_at, 'manual') RETURNING id"
                ),
                {
                    "account": account_id,
                    "reference": f"T{next(_references)}",
                    "amount": amount_minor,
                    "currency": currency,
                    "electricity": electricity,
                    "fee": fee_minor,
                    "kwh": kwh,
                    "rate": rate,
                    "paid_at": paid_at,
                },
            ).scalar_one()
        )


def reverse(engine: Engine, payment_id: int) -> None:
    with Session(engine) as session:
        reverse_payment(session=session, payment_id=payment_id, reason="test", actor="tester")
        session.commit()


def consume(
    engine: Engine,
    meter_pk: int,
    account_id: int | None,
    hour: dt.datetime,
    kwh: str,
    *,
    role: str = "primary",
) -> None:
    with engine.begin() as connection:
        ensure_partitions(connection, hour, hour)
        connection.execute(
            text(
                "INSERT INTO hourly_consumption (meter_pk, hour, account_id, role, kwh, source)"
                " VALUES (:meter, :hour, :account, :role, :kwh, 'demo')"
                " ON CONFLICT (meter_pk, hour) DO UPDATE SET kwh = EXCLUDED.kwh"
            ),
            {"meter": meter_pk, "hour": hour, "account": account_id, "role": role, "kwh": kwh},
        )


def refresh(engine: Engine, timezone: str = "Africa/Maseru") -> None:
    with Session(engine) as session:
        refresh_pending(session=session, timezone=timezone)
        session.commit()


def local_month(moment: dt.datetime, zone: zoneinfo.ZoneInfo = MASERU) -> dt.date:
    local = moment.astimezone(zone)
    return dt.date(local.year, local.month, 1)


@dataclass
class Expected:
    """Rollup figures computed from the base tables in Python, independently of the SQL."""

    account_month: dict[tuple[int, dt.date], tuple[int, int, int, Decimal, Decimal]]
    first_month: dict[int, dt.date]
    site_month: dict[tuple[str, dt.date], tuple[int, int, Decimal, Decimal, int]]


def expected_from_base(connection: Connection, zone: zoneinfo.ZoneInfo = MASERU) -> Expected:
    sites = dict(connection.execute(text("SELECT id, site_code FROM accounts")).all())
    reversed_ids = set(
        connection.execute(
            text("SELECT reverses_id FROM payments WHERE reverses_id IS NOT NULL")
        ).scalars()
    )
    cells: dict[tuple[int, dt.date], list[Any]] = defaultdict(
        lambda: [0, 0, 0, Decimal(0), Decimal(0)]
    )
    for pid, account, amount, fee, kwh, paid_at in connection.execute(
        text(
            "SELECT id, account_id, amount_minor, fee_minor, kwh, paid_at FROM payments"
            " WHERE kind = 'payment'"
        )
    ):
        if pid in reversed_ids:
            continue
        cell = cells[(account, local_month(paid_at, zone))]
        cell[0] += amount
        cell[1] += fee
        cell[2] += 1
        cell[3] += kwh
    for account, hour, kwh in connection.execute(
        text(
            "SELECT account_id, hour, kwh FROM hourly_consumption"
            " WHERE role = 'primary' AND account_id IS NOT NULL"
        )
    ):
        cells[(account, local_month(hour, zone))][4] += kwh
    first: dict[int, dt.date] = {}
    for (account, month), values in cells.items():
        if values[2] > 0:
            first[account] = min(first.get(account, month), month)
    site_cells: dict[tuple[str, dt.date], list[Any]] = defaultdict(
        lambda: [0, 0, Decimal(0), Decimal(0), 0]
    )
    for (account, month), values in cells.items():
        site = site_cells[(sites[account], month)]
        site[0] += values[0]
        site[1] += values[2]
        site[2] += values[3]
        site[3] += values[4]
    for account, month in first.items():
        site_cells[(sites[account], month)][4] += 1
    return Expected(
        account_month={key: tuple(values) for key, values in cells.items()},  # type: ignore[misc]
        first_month=first,
        site_month={key: tuple(values) for key, values in site_cells.items()},  # type: ignore[misc]
    )


def rollups(connection: Connection) -> Expected:
    account_month = {
        (row[0], row[1]): (row[2], row[3], row[4], row[5], row[6])
        for row in connection.execute(
            text(
                "SELECT account_id, month, revenue_minor, fee_minor, payments, kwh_vended,"
                " kwh_consumed FROM account_month"
            )
        )
    }
    first = dict(
        connection.execute(text("SELECT account_id, first_month FROM account_first_payment")).all()
    )
    site_month = {
        (row[0], row[1]): (row[2], row[3], row[4], row[5], row[6])
        for row in connection.execute(
            text(
                "SELECT site_code, month, revenue_minor, payments, kwh_vended, kwh_consumed,"
                " new_payers FROM site_month"
                " WHERE revenue_minor <> 0 OR payments <> 0 OR kwh_consumed <> 0"
                " OR new_payers <> 0 OR kwh_vended <> 0"
            )
        )
    }
    return Expected(account_month, first, site_month)
