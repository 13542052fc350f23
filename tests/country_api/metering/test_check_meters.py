"""Check-meter validation report: JSON and Excel."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx

from tests.country_api.metering.conftest import IOT_KEY, add_account


async def post(client: httpx.AsyncClient, meter: str, stamp: str, kwh: str) -> None:
    answer = await client.post(
        "/api/meters/reading",
        json={"meter_id": meter, "timestamp": stamp, "energy_active": kwh},
        headers={"X-IoT-Key": IOT_KEY},
    )
    assert answer.status_code == 200, answer.text


async def test_report_compares_primary_and_check_per_day(
    iot_client: httpx.AsyncClient, ls_db: str, auth: Any
) -> None:
    add_account(ls_db, "0045MAK", [("100", "primary"), ("200", "check")])
    add_account(ls_db, "0046MAK", [("300", "primary")])  # no check meter: not in the report
    # SAST stamps; day 1 (UTC 2026-04-28): primary 1.00 kWh, check 1.02 kWh.
    for meter, energies in (("100", ("5.00", "6.00", "6.50")), ("200", ("7.00", "8.02", "8.02"))):
        for stamp, energy in zip(
            ("202604280600", "202604281800", "202604291200"), energies, strict=True
        ):
            await post(iot_client, meter, stamp, energy)
    await post(iot_client, "300", "202604280600", "1.00")
    answer = await iot_client.get(
        "/api/metering/check-meters",
        params={"from": "2026-04-28", "to": "2026-04-29"},
        headers=auth(role="onm"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["items"] == [
        {
            "day": "2026-04-28",
            "account_number": "0045MAK",
            "primary_meter": "100",
            "check_meter": "200",
            "primary_kwh": "1.0000",
            "check_kwh": "1.0200",
            "relative_error": "0.0200",
        },
        {
            "day": "2026-04-29",
            "account_number": "0045MAK",
            "primary_meter": "100",
            "check_meter": "200",
            "primary_kwh": "0.5000",
            "check_kwh": "0.0000",
            "relative_error": "-1.0000",
        },
    ]
    workbook = await iot_client.get(
        "/api/metering/check-meters.xlsx",
        params={"from": "2026-04-28", "to": "2026-04-29", "site": "mak"},
        headers=auth(role="onm"),
    )
    assert workbook.status_code == 200
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(workbook.content)) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert "0045MAK" in strings and "Check meter" in strings
    backwards = await iot_client.get(
        "/api/metering/check-meters",
        params={"from": "2026-04-29", "to": "2026-04-28"},
        headers=auth(),
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["fields"][0]["field"] == "to"
