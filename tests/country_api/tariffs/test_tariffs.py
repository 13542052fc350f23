from collections.abc import Callable

import httpx

from tests.country_api.payments.factories import add_account, mpesa, post_sms, rows, sms

Auth = Callable[..., dict[str, str]]


async def test_country_default_is_seeded_from_the_country_file(
    ls_pay: httpx.AsyncClient, auth: Auth
) -> None:
    view = (await ls_pay.get("/api/tariffs", headers=auth(role="viewer"))).json()
    assert view["current"]["scope"] == "country"
    assert view["current"]["rate_per_kwh"] == "5"
    assert len(view["history"]) == 1


async def test_overrides_resolve_customer_then_site_then_country_by_effective_date(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG")
    customer_id = rows(ls_db, "SELECT customer_id FROM accounts")[0][0]
    finance = auth(role="finance")
    refused = await ls_pay.post(
        "/api/tariffs", json={"site_code": "SHG", "rate_per_kwh": "4"}, headers=auth(role="onm")
    )
    assert refused.status_code == 403
    site = await ls_pay.post(
        "/api/tariffs",
        json={"site_code": "shg", "rate_per_kwh": "4", "effective_from": "2026-01-01T00:00:00Z"},
        headers=finance,
    )
    assert site.status_code == 201, site.text
    future_customer = await ls_pay.post(
        "/api/tariffs",
        json={
            "customer_id": customer_id,
            "rate_per_kwh": "2.5",
            "effective_from": "2026-05-01T00:00:00Z",
        },
        headers=finance,
    )
    assert future_customer.json()["scope"] == "customer"
    # 10 April 2026: the site rate applies (the customer's starts in May).
    await post_sms(ls_pay, sms(mpesa("40.00", txn="TARIFF01")))
    assert rows(ls_db, "SELECT rate, kwh FROM payments") == [(4, 5)]
    view = (await ls_pay.get(f"/api/tariffs?customer_id={customer_id}", headers=finance)).json()
    assert view["current"]["scope"] == "customer"
    assert [row["scope"] for row in view["history"]] == ["customer", "site", "country"]
    assert rows(ls_db, "SELECT table_name FROM mutations") == [("tariffs",), ("tariffs",)]


async def test_bad_tariffs_are_refused_naming_the_field(
    ls_pay: httpx.AsyncClient, auth: Auth
) -> None:
    finance = auth(role="finance")
    zero = await ls_pay.post("/api/tariffs", json={"rate_per_kwh": "0"}, headers=finance)
    assert zero.status_code == 422
    assert zero.json()["error"]["fields"][0]["field"] == "rate_per_kwh"
    nowhere = await ls_pay.post(
        "/api/tariffs", json={"site_code": "XYZ", "rate_per_kwh": "3"}, headers=finance
    )
    assert nowhere.status_code == 422
    assert nowhere.json()["error"]["fields"][0]["field"] == "site_code"
    naive = await ls_pay.post(
        "/api/tariffs",
        json={"rate_per_kwh": "3", "effective_from": "2026-01-01T00:00:00"},
        headers=finance,
    )
    assert naive.status_code == 422
