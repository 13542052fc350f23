"""`POST /api/meters/reading`: 1Meter readings over HTTP, deltas and refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.country_api.metering.conftest import IOT_KEY, add_account, hourly, rejections, utc

METER = "000023022673"


def body(stamp: str, active: str, integrated: str | None = None, **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"meter_id": METER, "timestamp": stamp, "energy_active": active}
    if integrated is not None:
        payload["energy_integrated"] = integrated
    payload.update(extra)
    return payload


async def post(client: httpx.AsyncClient, payload: Any, key: str = IOT_KEY) -> httpx.Response:
    return await client.post("/api/meters/reading", json=payload, headers={"X-IoT-Key": key})


async def test_reading_is_stored_in_utc_and_counted_in_its_hour(
    iot_client: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0045MAK", [("23022673", "primary")])
    first = await post(iot_client, body("202604281430", "3.01", "3.0100", power_active=152.0))
    assert first.status_code == 200, first.text
    assert first.json() == {
        "status": "ok",
        "meter_id": METER,
        "account": "0045MAK",
        "time": "2026-04-28T12:30:00Z",
    }
    second = await post(iot_client, body("202604281445", "3.02", "3.0223"))
    assert second.status_code == 200
    # SAST 14:45 is 12:45 UTC; integrated register gives 12.3 Wh (active only 10 Wh).
    assert hourly(ls_db, "23022673") == {
        utc("2026-04-28T12:00"): Decimal("0.012300"),
    }


async def test_duplicate_is_answered_but_never_counted_twice(
    iot_client: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0045MAK", [("23022673", "primary")])
    await post(iot_client, body("202604281400", "1.00", "1.0000"))
    await post(iot_client, body("202604281415", "1.05", "1.0500"))
    again = await post(iot_client, body("202604281415", "1.05", "1.0500"))
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert hourly(ls_db, "23022673") == {utc("2026-04-28T12:00"): Decimal("0.050000")}


async def test_refusals_name_the_problem_and_are_logged_with_payload(
    iot_client: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0001MAK", [("555", "primary")], status="decommissioned")
    unknown = await post(iot_client, body("202604281400", "1.0"))
    assert unknown.status_code == 404
    assert "000023022673" in unknown.json()["error"]["message"]
    gone = await post(iot_client, {**body("202604281400", "1.0"), "meter_id": "000000000555"})
    assert gone.status_code == 409
    bad_time = await post(iot_client, body("2026-04-28", "1.0"))
    assert bad_time.status_code == 422
    assert bad_time.json()["error"]["fields"][0]["field"] == "timestamp"
    wrong_key = await post(iot_client, body("202604281400", "1.0"), key="nope")
    assert wrong_key.status_code == 403  # refused, and not kept: only the meters' rejects are
    not_json = await iot_client.post(
        "/api/meters/reading", content=b"{oops", headers={"X-IoT-Key": IOT_KEY}
    )
    assert not_json.status_code == 422
    logged = rejections(ls_db)
    assert [(meter, code) for meter, code, _, _ in logged] == [
        ("000023022673", 404),
        ("000000000555", 409),
        ("000023022673", 422),
        (None, 422),
    ]
    assert logged[0][3] == body("202604281400", "1.0")
    assert logged[3][3] == {"unparsed_body": "{oops"}


async def test_only_the_meters_own_rejects_are_kept_and_never_more_than_4_kb(
    iot_client: httpx.AsyncClient, ls_db: str
) -> None:
    bulky = {**body("2026-04-28", "1.0"), "padding": "x" * 1_000_000}  # ~1 MB, under the cap
    for _ in range(5):
        anonymous = await iot_client.post("/api/meters/reading", json=bulky)
        assert anonymous.status_code == 401  # no credential header: refused before reading
        assert (await post(iot_client, bulky, key="wrong")).status_code == 403
    assert rejections(ls_db) == []
    refused = await post(iot_client, bulky)
    assert refused.status_code == 422
    ((meter, code, _reason, payload),) = rejections(ls_db)
    assert (meter, code) == (METER, 422)
    assert payload["truncated"] is True and payload["size"] > 1_000_000
    assert len(payload["head"]) == 4096 and payload["head"].startswith('{"meter_id": ')
    too_large = await post(iot_client, {**bulky, "padding": "x" * 2_000_000})
    assert too_large.status_code == 413
    assert len(rejections(ls_db)) == 1


async def test_consumption_counts_primary_meters_only(
    iot_client: httpx.AsyncClient, ls_db: str, auth: Any
) -> None:
    add_account(ls_db, "0045MAK", [("23022673", "primary"), ("23022674", "check")])
    for meter, energies in (("000023022673", ("1.00", "1.20")), ("000023022674", ("5", "9"))):
        for stamp, energy in zip(("202604281400", "202604281510"), energies, strict=True):
            answer = await post(iot_client, {**body(stamp, energy), "meter_id": meter})
            assert answer.status_code == 200
    answer = await iot_client.get(
        "/api/accounts/0045MAK/consumption",
        params={
            "granularity": "hour",
            "from": "2026-04-28T00:00:00Z",
            "to": "2026-04-29T00:00:00Z",
        },
        headers=auth(role="customer_care"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "items": [
            {"period": "2026-04-28T12:00:00Z", "kwh": "0.0000"},
            {"period": "2026-04-28T13:00:00Z", "kwh": "0.2000"},
        ],
        "unit": "kWh",
    }
    daily = await iot_client.get(
        "/api/accounts/0045mak/consumption",
        params={"granularity": "day", "from": "2026-04-01T00:00:00Z", "to": "2026-05-01T00:00:00Z"},
        headers=auth(),
    )
    # Days are Maseru's (UTC+2): 28 April there began at 22:00 UTC on the 27th.
    assert daily.json()["items"] == [{"period": "2026-04-27T22:00:00Z", "kwh": "0.2000"}]
    summary = await iot_client.get("/api/accounts/0045MAK/metering", headers=auth())
    assert summary.status_code == 200
    assert summary.json()["last_reading"]["meter_id"] == "23022673"
    assert summary.json()["last_reading"]["energy_kwh"] == "1.2000"
    assert summary.json()["consumed_kwh_total"] == "0.2000"
    # No payments yet: the balance is the consumption owed, at Lesotho's 5.0 LSL/kWh tariff.
    assert summary.json()["balance"] == {
        "credited_kwh": "0.0000",
        "consumed_kwh": "0.2000",
        "balance_kwh": "-0.2000",
        "balance_minor": -100,
        "currency": "LSL",
    }


async def test_consumption_refuses_bad_queries(iot_client: httpx.AsyncClient, auth: Any) -> None:
    missing = await iot_client.get("/api/accounts/9999XYZ/consumption", headers=auth())
    assert missing.status_code == 404
    unauthenticated = await iot_client.get("/api/accounts/9999XYZ/consumption")
    assert unauthenticated.status_code == 401
    bad = await iot_client.get(
        "/api/accounts/9999XYZ/consumption", params={"granularity": "week"}, headers=auth()
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "query.granularity"
