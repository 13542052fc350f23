"""Rollups over three real country APIs, checked against USD sums worked out by hand.

Payments seeded (tests/federation_gateway/rollups/conftest.py) and test rates (USD per unit):
  LS (LSL = ZAR): Jan 1000.00 (a), Feb 500.00 (b) + 250.50 (a), Mar 200.00 (a)
                  rates 0.05 / 0.055 / 0.06 → 50.00 / 41.28 (41.2775) / 12.00
  BN (XOF = EUR / 655.957): Jan 655957, Feb 1311914, Mar 100000
                  EUR 1.10 / 1.05 / none → 1100.00 / 2100.00 / not converted
  ZM (ZMW):       Jan 1000.00, Feb 2500.00, Mar 0; rates 0.04 / 0.04 / 0.035 → 40.00 / 100.00 / 0.00
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

from sqlmodel import Session, select

from federation_gateway.employees.service import set_role, upsert_employee
from federation_gateway.fx.models import FxRate, MonthlyRate
from federation_gateway.fx.service import store_rates
from gridcare.core.db import make_engine, unit_of_work
from tests.federation_gateway.rollups.conftest import (
    COUNTRY_TIMEOUT_SECONDS,
    PASSWORD,
    TEST_SOURCE,
    Federation3,
)


def _usd(series: list[dict[str, object]]) -> list[object]:
    return [row["amount_usd"] for row in series]


async def test_monthly_revenue_in_usd_from_three_countries(federation3: Federation3) -> None:
    answer = await federation3.get("/api/global/revenue", **{"from": "2025-01", "to": "2025-02"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["currency"] == "USD" and body["partial"] is False
    assert {slug: c["status"] for slug, c in body["countries"].items()} == {
        "bn": "ok",
        "ls": "ok",
        "zm": "ok",
    }
    ls = body["countries"]["ls"]["series"]
    assert [row["amount_local"] for row in ls] == ["1000.00", "750.50"]
    assert [row["rate"] for row in ls] == ["0.05", "0.055"]
    assert _usd(ls) == ["50.00", "41.28"]
    assert ls[0]["currency"] == "LSL"
    assert _usd(body["countries"]["bn"]["series"]) == ["1100.00", "2100.00"]
    assert _usd(body["countries"]["zm"]["series"]) == ["40.00", "100.00"]
    assert body["totals"] == [
        {"period": "2025-01", "amount_usd": "1190.00", "partial": False},
        {"period": "2025-02", "amount_usd": "2241.28", "partial": False},
    ]
    listed = {(r["currency"], r["period"]): r for r in body["rates"]}
    assert listed[("LSL", "2025-02")]["rate"] == "0.055"
    assert listed[("ZMW", "2025-01")]["source"] == TEST_SOURCE
    assert Decimal(listed[("XOF", "2025-01")]["rate"]) == (
        Decimal("1.10") / Decimal("655.957")
    ).quantize(Decimal("1E-12"))
    assert "(XOF = EUR / 655.957)" in listed[("XOF", "2025-01")]["source"]


async def test_a_month_without_rate_is_marked_and_left_out(federation3: Federation3) -> None:
    body = (
        await federation3.get("/api/global/revenue", **{"from": "2025-03", "to": "2025-03"})
    ).json()
    march = body["countries"]["bn"]["series"][0]
    assert march == {
        "period": "2025-03",
        "amount_local": "100000",
        "currency": "XOF",
        "rate": None,
        "amount_usd": None,
        "missing_rate": True,
    }
    assert body["totals"] == [{"period": "2025-03", "amount_usd": "12.00", "partial": True}]
    assert body["partial"] is True
    assert body["missing_rates"] == [{"currency": "XOF", "period": "2025-03"}]


async def test_quarter_converts_each_month_then_sums(federation3: Federation3) -> None:
    body = (
        await federation3.get(
            "/api/global/revenue", granularity="quarter", **{"from": "2025-01", "to": "2025-03"}
        )
    ).json()
    ls = body["countries"]["ls"]["series"][0]
    assert ls["period"] == "2025 Q1" and ls["rate"] is None
    assert ls["amount_local"] == "1950.50"
    assert _usd(ls["months"]) == ["50.00", "41.28", "12.00"]
    assert ls["amount_usd"] == "103.28"
    assert body["countries"]["bn"]["series"][0]["amount_usd"] is None
    assert body["countries"]["zm"]["series"][0]["amount_usd"] == "140.00"
    assert body["totals"] == [{"period": "2025 Q1", "amount_usd": "243.28", "partial": True}]


async def test_arpu_is_total_usd_over_total_customers(federation3: Federation3) -> None:
    body = (
        await federation3.get("/api/global/arpu", **{"from": "2025-02", "to": "2025-02"})
    ).json()
    assert "not an average of the countries' ARPUs" in body["arpu_method"]
    ls = body["countries"]["ls"]["series"][0]
    assert (ls["customers"], ls["arpu_usd"]) == (2, "20.64")
    # (41.28 + 2100.00 + 100.00) / (2 + 1 + 1) = 560.32; the mean of country ARPUs would differ.
    assert body["totals"] == [
        {
            "period": "2025-02",
            "amount_usd": "2241.28",
            "partial": False,
            "customers": 4,
            "arpu_usd": "560.32",
        }
    ]


async def test_stopped_country_is_unavailable_and_totals_partial(federation3: Federation3) -> None:
    query = {"from": "2025-01", "to": "2025-02"}
    assert (await federation3.get("/api/global/revenue", **query)).json()["partial"] is False
    federation3.servers["zm"].stop()
    cached = (await federation3.get("/api/global/revenue", **query)).json()
    assert cached["partial"] is False, "ZM's answer is still cached"
    gone = await federation3.client.delete("/api/global/cache/zm", headers=federation3.headers)
    assert gone.status_code == 204
    body = (await federation3.get("/api/global/revenue", **query)).json()
    assert body["partial"] is True
    zm = body["countries"]["zm"]
    assert zm["status"] == "unavailable" and zm["series"] == []
    assert "cannot be reached" in zm["reason"]
    assert [t["amount_usd"] for t in body["totals"]] == ["1150.00", "2141.28"]
    assert all(t["partial"] for t in body["totals"])
    assert federation3.app("ls").report_calls == 1, "LS came from the cache all along"


async def test_slow_country_times_out_without_slowing_the_rollup(
    federation3: Federation3,
) -> None:
    federation3.app("bn").hold()  # BN never answers in time
    # The rollup answers at BN's deadline; a rollup waiting for BN would hang and fail here.
    answer = await asyncio.wait_for(
        federation3.get("/api/global/revenue", **{"from": "2025-01", "to": "2025-01"}),
        COUNTRY_TIMEOUT_SECONDS + 30,
    )
    body = answer.json()
    assert answer.status_code == 200
    assert body["countries"]["bn"]["status"] == "unavailable"
    assert (
        body["countries"]["bn"]["reason"] == f"did not answer within {COUNTRY_TIMEOUT_SECONDS:g} s"
    )
    assert body["totals"] == [{"period": "2025-01", "amount_usd": "90.00", "partial": True}]
    # A partial answer is not cached: once BN answers again, so does the rollup.
    federation3.app("bn").release()
    again = (
        await federation3.get("/api/global/revenue", **{"from": "2025-01", "to": "2025-01"})
    ).json()
    assert again["partial"] is False and again["totals"][0]["amount_usd"] == "1190.00"


async def test_second_call_is_served_from_cache(federation3: Federation3) -> None:
    query = {"from": "2025-01", "to": "2025-02"}
    first = (await federation3.get("/api/global/revenue", **query)).json()
    second = (await federation3.get("/api/global/revenue", **query)).json()
    assert first == second
    assert [federation3.app(s).report_calls for s in ("ls", "bn", "zm")] == [1, 1, 1]


async def test_country_without_role_is_no_access(federation3: Federation3) -> None:
    engine = make_engine(federation3.gateway_db, pool_size=1)
    with unit_of_work(engine) as session:
        upsert_employee(
            session=session,
            username="lsonly",
            password=PASSWORD,
            roles={"LS": "regional_manager", "BN": "viewer"},
        )
    engine.dispose()
    federation3.headers = await federation3.login("lsonly")
    body = (
        await federation3.get("/api/global/revenue", **{"from": "2025-01", "to": "2025-01"})
    ).json()
    assert body["countries"]["zm"] == {"status": "unavailable", "reason": "no access", "series": []}
    assert body["countries"]["bn"]["status"] == "ok", "a viewer role there is enough to read"
    assert federation3.app("zm").report_calls == 0
    assert body["totals"][0]["amount_usd"] == "1150.00" and body["partial"] is True


async def test_only_global_readers_may_ask(federation3: Federation3) -> None:
    engine = make_engine(federation3.gateway_db, pool_size=1)
    with unit_of_work(engine) as session:
        upsert_employee(session=session, username="fin", password=PASSWORD, roles={"LS": "finance"})
    engine.dispose()
    query = {"from": "2025-01", "to": "2025-01"}
    finance = await federation3.client.get(
        "/api/global/revenue", params=query, headers=await federation3.login("fin")
    )
    assert finance.status_code == 403
    anonymous = await federation3.client.get("/api/global/revenue", params=query)
    assert anonymous.status_code == 401
    bad = await federation3.get("/api/global/revenue", **{"from": "2025-13", "to": "2025-01"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "from"
    unknown = await federation3.get("/api/global/revenue", countries="LS,XX", **query)
    assert unknown.status_code == 422
    engine = make_engine(federation3.gateway_db, pool_size=1)
    with unit_of_work(engine) as session:  # demoted after logging in: the old token stops working
        set_role(session=session, username="rm", country="LS", role="viewer")
    engine.dispose()
    demoted = await federation3.get("/api/global/revenue", **query)
    assert demoted.status_code == 403


async def test_countries_filter(federation3: Federation3) -> None:
    body = (
        await federation3.get(
            "/api/global/revenue", countries="LS,zm", **{"from": "2025-01", "to": "2025-01"}
        )
    ).json()
    assert sorted(body["countries"]) == ["ls", "zm"]
    assert body["totals"][0]["amount_usd"] == "90.00"
    assert federation3.app("bn").report_calls == 0


async def test_customers_and_consumption_add_up(federation3: Federation3) -> None:
    query = {"from": "2025-01", "to": "2025-02"}
    customers = (await federation3.get("/api/global/customers", **query)).json()
    assert customers["partial"] is False
    assert [row["total"] for row in customers["countries"]["ls"]["series"]] == [2, 2]
    assert [(row["period"], row["total"], row["new"]) for row in customers["totals"]] == [
        ("2025-01", 4, 4),
        ("2025-02", 4, 0),
    ]
    consumption = (await federation3.get("/api/global/consumption", **query)).json()
    assert consumption["unit"] == "kWh" and consumption["partial"] is False
    assert [Decimal(row["kwh"]) for row in consumption["totals"]] == [0, 0]


async def test_used_rate_is_not_changed_silently(federation3: Federation3) -> None:
    await federation3.get("/api/global/revenue", **{"from": "2025-01", "to": "2025-01"})
    engine = make_engine(federation3.gateway_db, pool_size=1)
    january = dt.date(2025, 1, 1)
    try:
        with Session(engine, expire_on_commit=False) as session:
            used = session.exec(select(FxRate).where(FxRate.month == january)).all()
            assert {row.currency for row in used if row.used_at} == {"LSL", "XOF", "ZMW"}
            new = MonthlyRate("ZMW", january, Decimal("0.045"), "test: revised")
            report = store_rates(session=session, rates=[new])
            assert report.refused == [new]
            row = session.get(FxRate, ("ZMW", january))
            assert row is not None and row.usd_per_unit == Decimal("0.04")
    finally:
        engine.dispose()
