"""Metering fixtures: an API with an IoT key, and plain factories for accounts and meters."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import psycopg
import pytest

from federation_gateway.tokens import TokenIssuer
from tests.support.countries import country_app, running

IOT_KEY = "test-iot-key"


@pytest.fixture
async def iot_client(ls_db: str, issuer: TokenIssuer) -> AsyncIterator[httpx.AsyncClient]:
    async with running(country_app("ls", ls_db, issuer, iot_key=IOT_KEY)) as client:
        yield client


def add_account(
    url: str,
    account_number: str,
    meters: list[tuple[str, str]],
    *,
    since: dt.datetime | None = None,
    status: str = "active",
) -> int:
    """An account with meters `[(meter_id, role)]` assigned from `since`; returns its id."""
    site = account_number[-3:]
    since = since or dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(
            "INSERT INTO sites (code, name, meter_platform) VALUES (%s, %s, 'onemeter')"
            " ON CONFLICT DO NOTHING",
            (site, site),
        )
        customer = db.execute(
            "INSERT INTO customers (first_name, site_code) VALUES ('Test', %s) RETURNING id",
            (site,),
        ).fetchone()
        assert customer is not None
        account = db.execute(
            "INSERT INTO accounts (account_number, customer_id, site_code, sequence)"
            " VALUES (%s, %s, %s, %s) RETURNING id",
            (account_number, customer[0], site, int(account_number[:4])),
        ).fetchone()
        assert account is not None
        for meter_id, role in meters:
            meter = db.execute(
                "INSERT INTO meters (meter_id, platform, status) VALUES (%s, 'onemeter', %s)"
                " RETURNING id",
                (meter_id, status),
            ).fetchone()
            assert meter is not None
            db.execute(
                "INSERT INTO meter_assignments (meter_pk, account_id, role, started_at)"
                " VALUES (%s, %s, %s, %s)",
                (meter[0], account[0], role, since),
            )
        return int(account[0])


def hourly(url: str, meter_id: str) -> dict[dt.datetime, Decimal]:
    """The hourly table for one meter, hour (UTC) → kWh."""
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT hour, kwh FROM hourly_consumption h JOIN meters m ON m.id = h.meter_pk"
            " WHERE m.meter_id = %s ORDER BY hour",
            (meter_id,),
        ).fetchall()
    return {hour.astimezone(dt.UTC): kwh for hour, kwh in rows}


def rejections(url: str) -> list[tuple[str | None, int, str, object]]:
    with psycopg.connect(url) as db:
        return [
            (row[0], row[1], row[2], row[3])
            for row in db.execute(
                "SELECT meter_id, status_code, reason, payload FROM reading_rejections ORDER BY id"
            )
        ]


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
