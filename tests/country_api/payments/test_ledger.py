from collections.abc import Callable

import httpx

from tests.country_api.payments.factories import add_account, mpesa, post_sms, rows, sms

Auth = Callable[..., dict[str, str]]


async def test_fee_debt_takes_half_and_kwh_follow_the_rate(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG")
    body = await post_sms(ls_pay, sms(mpesa("100.00", txn="HALF1")))
    payment_id = body["results"][0]["payment_id"]
    assert rows(
        ls_db,
        "SELECT amount_minor, fee_minor, electricity_minor, kwh, rate FROM payments",
    ) == [(10000, 5000, 5000, 10, 5)]
    assert rows(ls_db, "SELECT fee_code, amount_minor FROM payment_fees") == [("connection", 5000)]
    listed = (await ls_pay.get("/api/payments", headers=auth(role="viewer"))).json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert item["id"] == payment_id
    assert (item["amount"], item["currency"], item["kwh"], item["rate"]) == (
        "100.00",
        "LSL",
        "10.0000",
        "5",
    )
    assert (item["status"], item["credit_status"], item["provider"]) == (
        "posted",
        "pending",
        "mpesa",
    )
    balance = (await ls_pay.get("/api/accounts/0252shg/balance", headers=auth())).json()
    assert balance == {
        "account_number": "0252SHG",
        "currency": "LSL",
        "amount": "50.00",
        "kwh": "10.0000",
        "fee_debt": "950.00",
    }


async def test_an_exact_fee_amount_pays_that_fee_only_while_owed(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG")
    first = (await post_sms(ls_pay, sms(mpesa("501.00", txn="FEE1"))))["results"][0]
    assert first["outcome"] == "fee"
    assert rows(ls_db, "SELECT electricity_minor, fee_minor, kwh FROM payments") == [(0, 50100, 0)]
    assert rows(ls_db, "SELECT count(*) FROM credit_outbox") == [(0,)]
    second = (await post_sms(ls_pay, sms(mpesa("501.00", txn="FEE2"))))["results"][0]
    assert second["outcome"] == "payment"  # connection paid: now half to readyboard
    assert rows(ls_db, "SELECT fee_code, amount_minor FROM payment_fees ORDER BY id") == [
        ("connection", 50100),
        ("readyboard", 25050),
    ]


async def test_manual_payments_and_reversals_are_ledger_rows(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG")
    payment = {
        "account_number": "0252SHG",
        "amount": "40",
        "provider": "cash",
        "reference": "R-1",
        "note": "paid at the office",
    }
    refused = await ls_pay.post("/api/payments", json=payment, headers=auth(role="onm"))
    assert refused.status_code == 403
    made = await ls_pay.post("/api/payments", json=payment, headers=auth(role="finance"))
    assert made.status_code == 201, made.text
    paid = made.json()
    again = await ls_pay.post("/api/payments", json=payment, headers=auth(role="finance"))
    assert again.status_code == 409
    reversed_ = await ls_pay.post(
        f"/api/payments/{paid['id']}/reverse",
        json={"reason": "typed twice"},
        headers=auth(role="finance"),
    )
    assert reversed_.status_code == 201, reversed_.text
    assert reversed_.json()["amount"] == "-40.00"
    assert reversed_.json()["status"] == "reversal"
    twice = await ls_pay.post(
        f"/api/payments/{paid['id']}/reverse",
        json={"reason": "again"},
        headers=auth(role="finance"),
    )
    assert twice.status_code == 409
    listed = (await ls_pay.get("/api/payments?account_number=0252SHG", headers=auth())).json()
    assert {item["status"] for item in listed["items"]} == {"reversed", "reversal"}
    balance = (await ls_pay.get("/api/accounts/0252SHG/balance", headers=auth())).json()
    assert (balance["amount"], balance["kwh"], balance["fee_debt"]) == ("0.00", "0.0000", "1000.00")
    assert rows(ls_db, "SELECT count(*) FROM payments") == [(2,)]
    audited = rows(ls_db, "SELECT actor, table_name FROM mutations ORDER BY id")
    assert audited == [("tester", "payments"), ("tester", "payments")]


async def test_payments_list_filters_and_pages(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG")
    add_account(ls_db, "0045MAS")
    for i in range(5):
        body = await post_sms(ls_pay, sms(mpesa("20.00", txn=f"PAGE{i}X7Q")))
        assert body["results"][0]["outcome"] == "payment"
    await post_sms(ls_pay, sms(mpesa("20.00", txn="OTHER8Z", remark="0045 MAS")))
    page = (
        await ls_pay.get("/api/payments?account_number=0252SHG&page=2&page_size=2", headers=auth())
    ).json()
    assert page["total"] == 5 and len(page["items"]) == 2
    since = (await ls_pay.get("/api/payments?since=2030-01-01T00:00:00Z", headers=auth())).json()
    assert since == {"items": [], "total": 0}
    bad = await ls_pay.get("/api/payments?page=0", headers=auth())
    assert bad.status_code == 422
