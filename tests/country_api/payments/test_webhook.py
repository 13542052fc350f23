import httpx

from tests.country_api.payments.factories import GATEWAY, add_account, rows


def webhook(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "account_number": "0252SHG",
        "amount": 50.0,
        "provider": "mpesa",
        "reference": "TJK9XYZ1A2",
        "phone": "26650000001",
        "timestamp": "2026-04-10T09:00:00+02:00",
    }
    body.update(overrides)
    return body


async def test_webhook_payments_are_idempotent_by_reference(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG")
    first = await ls_pay.post("/api/payments/webhook", json=webhook(), headers=GATEWAY)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["outcome"], body["account_number"], body["amount"]) == (
        "payment",
        "0252SHG",
        "50.00",
    )
    again = (await ls_pay.post("/api/payments/webhook", json=webhook(), headers=GATEWAY)).json()
    assert (again["outcome"], again["payment_id"]) == ("duplicate", body["payment_id"])
    assert rows(ls_db, "SELECT paid_at::text FROM payments") == [("2026-04-10 07:00:00+00",)]


async def test_webhook_unknown_account_is_unmatched_and_key_is_required(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    refused = await ls_pay.post("/api/payments/webhook", json=webhook())
    assert refused.status_code == 401
    parked = await ls_pay.post(
        "/api/payments/webhook", json=webhook(account_number="9999ZZZ"), headers=GATEWAY
    )
    assert parked.json()["outcome"] == "unmatched"
    too_precise = await ls_pay.post(
        "/api/payments/webhook", json=webhook(amount="1.005", reference="X2"), headers=GATEWAY
    )
    assert too_precise.status_code == 422
    assert too_precise.json()["error"]["fields"][0]["field"] == "amount"
    assert rows(ls_db, "SELECT outcome FROM sms_messages") == [("unmatched",)]
