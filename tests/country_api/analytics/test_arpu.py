"""ARPU and sales for a small hand-made ledger, expected figures computed here from the ledger."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import httpx
from sqlalchemy import Engine

from tests.country_api.analytics.factories import add_account, local_month, pay, reverse, utc

Auth = Callable[..., dict[str, str]]
SITES = ("MAK", "SHG", "LEB")


Ledger = list[tuple[str, int, dt.datetime, bool]]


def make_ledger(engine: Engine) -> Ledger:
    """(account number, amount_minor, paid_at, reversed) of every payment written."""
    accounts = {
        number: add_account(engine, number)
        for number in ("0001MAK", "0002MAK", "0003MAK", "0004MAK", "0001SHG")
    }
    ledger = [
        ("0001MAK", 10_000, utc("2025-01-15 10:00"), False),
        ("0004MAK", 2_500, utc("2025-01-20 10:00"), True),  # its only payment: never a payer
        ("0001MAK", 5_000, utc("2025-02-10 08:00"), False),
        ("0001SHG", 20_000, utc("2025-02-20 09:00"), False),
        ("0001SHG", 8_000, utc("2025-02-21 09:00"), True),
        ("0001MAK", 1_000, utc("2025-03-31 21:30"), False),  # 23:30 in Maseru: still March
        ("0002MAK", 3_000, utc("2025-03-31 23:30"), False),  # 01:30 on 1 April in Maseru
        ("0003MAK", 4_000, utc("2025-05-05 12:00"), False),  # a payer appearing later
    ]
    for number, amount, paid_at, reversed_ in ledger:
        payment = pay(engine, accounts[number], amount, paid_at)
        if reversed_:
            reverse(engine, payment)
    return ledger


def expected_arpu(
    ledger: Ledger, periods: list[tuple[str, list[dt.date]]]
) -> list[dict[str, object]]:
    """The definition, plainly: revenue in the period / accounts that ever paid by its end."""
    paid = [(n[-3:], amount, local_month(at), n) for n, amount, at, rev in ledger if not rev]
    entries = []
    for label, months in periods:

        def figures(sites: tuple[str, ...], months: list[dt.date] = months) -> dict[str, object]:
            revenue = sum(a for s, a, m, _ in paid if s in sites and m in months)
            payers = {n for s, _, m, n in paid if s in sites and m <= months[-1]}
            arpu = Decimal(revenue) / 100 / len(payers) if payers else Decimal(0)
            return {
                "revenue": f"{Decimal(revenue) / 100:.2f}",
                "customers": len(payers),
                "arpu": str(arpu.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
            }

        entry = {"period": label, "currency": "LSL", **figures(SITES)}
        entry["per_site"] = {site: figures((site,)) for site in SITES}
        entries.append(entry)
    return entries


def months_of(year: int, first: int, last: int) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(first, last + 1)]


async def test_monthly_arpu(ls_client: httpx.AsyncClient, ls_engine: Engine, auth: Auth) -> None:
    ledger = make_ledger(ls_engine)
    answer = await ls_client.get(
        "/api/om-report/monthly-arpu",
        params={"from": "2025-01", "to": "2025-06"},
        headers=auth(role="viewer"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    periods = [(f"2025-{m:02d}", [dt.date(2025, m, 1)]) for m in range(1, 7)]
    expected = expected_arpu(ledger, periods)
    assert body["currency"] == "LSL"
    per_site = {e["period"]: {s: e["per_site"][s] for s in SITES} for e in body["arpu"]}
    actual = [{**e, "per_site": per_site[e["period"]]} for e in body["arpu"]]
    assert actual == expected
    # A few figures by hand, so the reference above cannot share a mistake with the code.
    jan, feb, apr, may = body["arpu"][0], body["arpu"][1], body["arpu"][3], body["arpu"][4]
    assert (jan["revenue"], jan["customers"], jan["arpu"]) == ("100.00", 1, "100.00")
    assert (feb["revenue"], feb["customers"], feb["arpu"]) == ("250.00", 2, "125.00")
    assert apr["per_site"]["MAK"] == {"revenue": "30.00", "customers": 2, "arpu": "15.00"}
    assert may["per_site"]["MAK"]["arpu"] == "13.33"
    assert may["per_site"]["LEB"] == {"revenue": "0.00", "customers": 0, "arpu": "0.00"}
    customers = [e["customers"] for e in body["arpu"]]
    assert customers == sorted(customers)


async def test_quarterly_arpu(ls_client: httpx.AsyncClient, ls_engine: Engine, auth: Auth) -> None:
    ledger = make_ledger(ls_engine)
    answer = await ls_client.get(
        "/api/om-report/arpu", params={"from": "2025Q1", "to": "2025Q2"}, headers=auth()
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    periods = [("2025 Q1", months_of(2025, 1, 3)), ("2025 Q2", months_of(2025, 4, 6))]
    expected = expected_arpu(ledger, periods)
    actual = [{**e, "per_site": {s: e["per_site"][s] for s in SITES}} for e in body["arpu"]]
    assert actual == expected
    q1, q2 = body["arpu"]
    assert (q1["period"], q1["revenue"], q1["customers"], q1["arpu"]) == (
        "2025 Q1",
        "360.00",
        2,
        "180.00",
    )
    assert (q2["revenue"], q2["customers"], q2["arpu"]) == ("70.00", 4, "17.50")


async def test_sales_series(ls_client: httpx.AsyncClient, ls_engine: Engine, auth: Auth) -> None:
    ledger = make_ledger(ls_engine)
    answer = await ls_client.get(
        "/api/om-report/revenue",
        params={"from": "2025-01", "to": "2025-06", "granularity": "quarter"},
        headers=auth(),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    for entry, months in zip(
        body["series"], (months_of(2025, 1, 3), months_of(2025, 4, 6)), strict=True
    ):
        kept = [(n, a) for n, a, at, rev in ledger if not rev and local_month(at) in months]
        assert entry["revenue"] == f"{Decimal(sum(a for _, a in kept)) / 100:.2f}"
        assert entry["payments"] == len(kept)
        kwh = sum((Decimal(a) / 100 / Decimal(5)).quantize(Decimal("0.0001")) for _, a in kept)
        assert Decimal(entry["kwh_vended"]) == kwh
    assert [e["customers_cumulative"] for e in body["series"]] == [2, 4]
    assert body["per_site"]["SHG"][0]["revenue"] == "200.00"
    assert body["per_site"]["LEB"][1]["payments"] == 0


async def test_bad_periods_are_refused(ls_client: httpx.AsyncClient, auth: Auth) -> None:
    for path, params in [
        ("/api/om-report/arpu", {"from": "2025-01", "to": "2025Q2"}),
        ("/api/om-report/monthly-arpu", {"from": "2025-13", "to": "2025-12"}),
        ("/api/om-report/monthly-arpu", {"from": "2025-06", "to": "2025-01"}),
        ("/api/om-report/revenue", {"from": "1990-01", "to": "2025-01", "granularity": "day"}),
    ]:
        answer = await ls_client.get(path, params=params, headers=auth())
        assert answer.status_code == 422, (path, params, answer.text)
        assert answer.json()["error"]["fields"] or answer.json()["error"]["message"]
    unauthenticated = await ls_client.get("/api/om-report/arpu?from=2025Q1&to=2025Q1")
    assert unauthenticated.status_code == 401


async def test_reports_download_as_workbooks(
    ls_client: httpx.AsyncClient, ls_engine: Engine, auth: Auth
) -> None:
    make_ledger(ls_engine)
    answer = await ls_client.get(
        "/api/om-report/monthly-arpu.xlsx",
        params={"from": "2025-01", "to": "2025-02"},
        headers=auth(),
    )
    assert answer.status_code == 200, answer.text
    assert 'filename="monthly-arpu_LS.xlsx"' in answer.headers["content-disposition"]
    sheet = zipfile.ZipFile(io.BytesIO(answer.content)).read("xl/worksheets/sheet1.xml").decode()
    cells = re.findall(r'<c r="([A-Z]+\d+)"[^>]*>(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>)', sheet)
    values = {ref: number or text_value for ref, number, text_value in cells}
    header = [values[f"{column}1"] for column in "ABCDE"]
    assert header == ["Site", "Period", "Revenue", "Customers", "Arpu"]
    assert [values[f"{column}3"] for column in "ABCDE"] == ["All", "2025-02", "250", "2", "125"]
    for path in (
        "arpu.xlsx?from=2025Q1&to=2025Q1",
        "revenue.xlsx?from=2025-01&to=2025-03",
        "consumption.xlsx?from=2025-01&to=2025-03",
        "customers.xlsx?from=2025-01&to=2025-03",
        "load-profile.xlsx?from=2025-01&to=2025-03",
    ):
        download = await ls_client.get(f"/api/om-report/{path}", headers=auth())
        assert download.status_code == 200, (path, download.text)
        assert download.content.startswith(b"PK")
