"""Consumption, customers, load profiles, a zero-digit currency, and the quarterly workbook."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal

import httpx
from sqlalchemy import Engine

from country_api.sites.service import sync_sites
from gridcare.core.db import make_engine, unit_of_work
from tests.country_api.analytics.factories import add_account, consume, pay, utc
from tests.support.countries import country_settings

Auth = Callable[..., dict[str, str]]


async def test_consumption_by_site_and_period(
    ls_client: httpx.AsyncClient, ls_engine: Engine, auth: Auth
) -> None:
    a = add_account(ls_engine, "0001MAK")
    b = add_account(ls_engine, "0002MAK")
    c = add_account(ls_engine, "0001SHG")
    readings = [
        (1, a, "2025-01-31 21:00", "1.5"),  # 23:00 in Maseru: January
        (1, a, "2025-01-31 22:00", "2.25"),  # 00:00 on 1 February in Maseru
        (2, b, "2025-02-10 10:00", "0.75"),
        (3, c, "2025-02-11 10:00", "4"),
    ]
    for meter, account, hour, kwh in readings:
        consume(ls_engine, meter, account, utc(hour), kwh)
    consume(ls_engine, 4, b, utc("2025-02-10 10:00"), "9", role="check")  # excluded
    answer = await ls_client.get(
        "/api/om-report/consumption", params={"from": "2025-01", "to": "2025-02"}, headers=auth()
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    jan, feb = body["series"]
    assert (jan["kwh"], jan["customers"]) == ("1.5000", 1)
    assert Decimal(feb["kwh"]) == Decimal("2.25") + Decimal("0.75") + Decimal("4")
    assert feb["customers"] == 3
    assert feb["average_kwh_per_customer"] == "2.3333"  # 7 kWh / 3 customers
    mak_feb = body["per_site"]["MAK"][1]
    assert (mak_feb["kwh"], mak_feb["customers"], mak_feb["average_kwh_per_customer"]) == (
        "3.0000",
        2,
        "1.5000",
    )
    quarter = await ls_client.get(
        "/api/om-report/consumption",
        params={"from": "2025-01", "to": "2025-03", "granularity": "quarter"},
        headers=auth(),
    )
    q1 = quarter.json()["series"][0]
    assert (q1["period"], Decimal(q1["kwh"]), q1["customers"]) == ("2025 Q1", Decimal("8.5"), 3)


async def test_customer_statistics(
    ls_client: httpx.AsyncClient, ls_engine: Engine, auth: Auth
) -> None:
    add_account(ls_engine, "0001MAK", connected=dt.date(2024, 12, 1))
    paying = add_account(ls_engine, "0002MAK", connected=dt.date(2025, 2, 1))
    add_account(
        ls_engine, "0003MAK", connected=dt.date(2025, 1, 10), terminated=dt.date(2025, 5, 2)
    )
    add_account(ls_engine, "0001SHG", connected=dt.date(2025, 4, 1))
    pay(ls_engine, paying, 1_000, utc("2025-03-01 10:00"))
    answer = await ls_client.get(
        "/api/om-report/customers", params={"from": "2025-01", "to": "2025-06"}, headers=auth()
    )
    assert answer.status_code == 200, answer.text
    q1, q2 = answer.json()["series"]
    assert (q1["period"], q1["total"], q1["active"], q1["new"], q1["paying"]) == (
        "2025 Q1",
        3,
        3,
        2,
        1,
    )
    assert q1["activation_rate"] == "0.3333"
    assert (q1["growth"], q1["growth_rate"]) == (2, "2.0000")
    assert (q2["total"], q2["active"], q2["new"], q2["terminated"]) == (4, 3, 1, 1)
    assert (q2["growth"], q2["growth_rate"]) == (0, "0.0000")
    shg = answer.json()["per_site"]["SHG"]
    assert (shg[0]["total"], shg[1]["total"], shg[0]["activation_rate"]) == (0, 1, None)


async def test_load_profile_by_customer_type_in_local_hours(
    ls_client: httpx.AsyncClient, ls_engine: Engine, auth: Auth
) -> None:
    home = add_account(ls_engine, "0001MAK")
    shop = add_account(ls_engine, "0002MAK", customer_type="business")
    for day in range(1, 3):  # 18:00 UTC is 20:00 in Maseru
        consume(ls_engine, 1, home, utc(f"2025-03-0{day} 18:00"), str(day))
    consume(ls_engine, 2, shop, utc("2025-03-01 08:00"), "5")
    answer = await ls_client.get(
        "/api/om-report/load-profile",
        params={"from": "2025-03", "to": "2025-03", "group_by": "customer_type"},
        headers=auth(),
    )
    assert answer.status_code == 200, answer.text
    curves = answer.json()["curves"]
    assert set(curves) == {"household", "business"}
    assert curves["household"][20] == {"hour": 20, "kwh": "1.500000", "samples": 2}
    assert curves["household"][18]["samples"] == 0
    assert curves["business"][10]["kwh"] == "5.000000"


async def test_zero_digit_currency(bn_client: httpx.AsyncClient, bn_db: str, auth: Auth) -> None:
    engine = make_engine(bn_db, pool_size=2)
    with unit_of_work(engine) as session:
        country = country_settings("bn", bn_db).country
        sync_sites(session=session, country=country)
    site = country.sites[0].code
    first = add_account(engine, f"0001{site}")
    second = add_account(engine, f"0002{site}")
    pay(engine, first, 5_000, utc("2025-01-10 10:00"), currency="XOF", rate=Decimal("100"))
    pay(engine, second, 2_001, utc("2025-01-11 10:00"), currency="XOF", rate=Decimal("100"))
    engine.dispose()
    answer = await bn_client.get(
        "/api/om-report/monthly-arpu",
        params={"from": "2025-01", "to": "2025-01"},
        headers=auth(country="BN"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["currency"] == "XOF"
    assert body["arpu"][0]["revenue"] == "7001"
    assert body["arpu"][0]["arpu"] == "3501"  # 3500.5 rounded half up, no decimals


async def test_quarterly_workbook(
    ls_client: httpx.AsyncClient, ls_engine: Engine, auth: Auth
) -> None:
    account = add_account(ls_engine, "0001MAK")
    pay(ls_engine, account, 12_345, utc("2025-08-01 10:00"))
    consume(ls_engine, 1, account, utc("2025-08-01 18:00"), "1.25")
    answer = await ls_client.get(
        "/api/om-report/quarterly.xlsx", params={"quarter": "2025Q3"}, headers=auth(role="onm")
    )
    assert answer.status_code == 200, answer.text
    assert 'filename="OM_Report_LS_2025_Q3.xlsx"' in answer.headers["content-disposition"]
    book = zipfile.ZipFile(io.BytesIO(answer.content))
    workbook_xml = book.read("xl/workbook.xml").decode()
    sheets = re.findall(r'<sheet name="([^"]+)"', workbook_xml)
    assert sheets == ["Summary", "Customers", "Sales", "ARPU", "Consumption", "Load profiles"]
    charts = [name for name in book.namelist() if name.startswith("xl/charts/chart")]
    assert len(charts) == 5
    styles = book.read("xl/styles.xml").decode()
    assert 'formatCode="&quot;LSL&quot;#,##0.00"' in styles
    assert "123.45" in book.read("xl/worksheets/sheet1.xml").decode()
    bad = await ls_client.get("/api/om-report/quarterly.xlsx?quarter=2025Q5", headers=auth())
    assert bad.status_code == 422
