"""A replaced meter's consumption continues on the new one without a gap or a double count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import httpx
import psycopg

from tests.country_api.metering.conftest import IOT_KEY, add_account, iot_client

__all__ = ["iot_client"]
Auth = Callable[..., dict[str, str]]
SWITCH = dt.datetime(2026, 4, 28, 9, 20, tzinfo=dt.UTC)  # 11:20 SAST


async def reading(client: httpx.AsyncClient, meter: str, sast: str, value: str) -> None:
    answer = await client.post(
        "/api/meters/reading",
        json={
            "meter_id": meter,
            "timestamp": sast,
            "energy_active": value,
            "energy_integrated": value,
        },
        headers={"X-IoT-Key": IOT_KEY},
    )
    assert answer.status_code == 200, answer.text


def by_meter(url: str, account_id: int) -> dict[str, Decimal]:
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT m.meter_id, sum(h.kwh) FROM hourly_consumption h"
            " JOIN meters m ON m.id = h.meter_pk"
            " WHERE h.account_id = %s AND h.role = 'primary' GROUP BY m.meter_id",
            (account_id,),
        ).fetchall()
    return {meter: kwh for meter, kwh in rows}


async def test_consumption_moves_to_the_new_meter_at_the_switch(
    iot_client: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    account_id = add_account(
        ls_db, "0045MAK", [("23022673", "primary")], since=dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    )
    for stamp, value in (
        ("202604281000", "1.00"),
        ("202604281030", "1.50"),
        ("202604281100", "2.00"),
    ):
        await reading(iot_client, "000023022673", stamp, value)
    replaced = await iot_client.post(
        "/api/meters/23022673/replace",
        json={"new_meter_id": "23022674", "platform": "onemeter"},
        headers=auth(role="onm"),
    )
    assert replaced.status_code == 200, replaced.text
    with psycopg.connect(ls_db) as db:  # the replacement was made at 11:20 SAST
        db.execute(
            "UPDATE meter_assignments SET ended_at = %s WHERE ended_at IS NOT NULL", (SWITCH,)
        )
        db.execute("UPDATE meter_assignments SET started_at = %s WHERE ended_at IS NULL", (SWITCH,))
    for stamp, value in (
        ("202604281130", "5.00"),
        ("202604281200", "5.40"),
        ("202604281230", "5.90"),
    ):
        await reading(iot_client, "000023022674", stamp, value)
    totals = by_meter(ls_db, account_id)
    assert totals == {"23022673": Decimal("1.0"), "23022674": Decimal("0.9")}
    assert sum(totals.values()) == Decimal("1.9")  # no gap, nothing counted twice
