"""Receipts are outbound messages queued with the payment: whoever records the payment."""

from collections.abc import Callable

import httpx

from tests.country_api.payments.factories import (
    GATEWAY,
    add_account,
    mpesa,
    post_sms,
    rows,
    sms,
)

Auth = Callable[..., dict[str, str]]


async def test_a_manual_payment_queues_a_receipt_to_the_holder_with_the_new_balance(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG", phone="26650000009")
    payment = {"account_number": "0252SHG", "amount": "40", "provider": "cash", "reference": "R-1"}
    made = await ls_pay.post("/api/payments", json=payment, headers=auth(role="finance"))
    assert made.status_code == 201, made.text
    queued = rows(
        ls_db,
        "SELECT recipient, kind, status, account_number, payment_id, language, content"
        " FROM outbound_messages",
    )
    [(to, kind, status, account, payment_id, language, content)] = queued
    assert (to, kind, status, account) == ("+26650000009", "receipt", "queued", "0252SHG")
    assert payment_id == made.json()["id"] and language == "st+en"
    assert "Saleng se setseng: M" in content and "Balance: LSL" in content
    answer = await ls_pay.post("/api/sms/incoming", json={}, headers=GATEWAY)
    assert [m["to"] for m in answer.json()["messages"]] == ["+26650000009"]


async def test_no_phone_no_receipt_and_one_receipt_when_the_holder_paid(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG")  # no phone on file: only the payer's copy
    await post_sms(ls_pay, sms(mpesa("10.00", txn="NOPHONE01", phone="26650000001")))
    add_account(ls_db, "0253SHG", phone="26650000002")
    await post_sms(
        ls_pay, sms(mpesa("10.00", txn="SAMEPHONE", remark="0253 SHG", phone="26650000002"))
    )
    queued = rows(
        ls_db,
        "SELECT account_number, recipient, customer_id IS NOT NULL"
        " FROM outbound_messages ORDER BY id",
    )
    assert queued == [("0252SHG", "+26650000001", False), ("0253SHG", "+26650000002", True)]


async def test_the_holders_receipt_is_in_their_language_the_payers_in_the_countrys(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG", phone="26650000009")
    [customer_id] = rows(ls_db, "SELECT id FROM customers")[0]
    changed = await ls_pay.patch("/api/customers/0252SHG", json={"language": "EN"}, headers=auth())
    assert changed.status_code == 200, changed.text
    assert changed.json()["language"] == "en"
    await post_sms(ls_pay, sms(mpesa("10.00", txn="LANG00001", phone="26650000001")))
    queued = rows(
        ls_db, "SELECT recipient, language, customer_id, content FROM outbound_messages ORDER BY id"
    )
    (holder, language, holder_id, text), (payer, payer_language, payer_id, payer_text) = queued
    assert (holder, language, holder_id) == ("+26650000009", "en", customer_id)
    assert text.startswith("Payment of LSL10.00") and "\n" not in text
    assert (payer, payer_language, payer_id) == ("+26650000001", "st+en", None)
    assert payer_text.startswith("Patala ea") and "\nPayment of" in payer_text
