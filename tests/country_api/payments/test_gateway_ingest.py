import asyncio
from collections.abc import Callable

import httpx

from tests.country_api.payments.factories import (
    GATEWAY,
    OTHER_KEY,
    add_account,
    mpesa,
    post_sms,
    rows,
    sms,
)

Auth = Callable[..., dict[str, str]]


async def test_handshake_answers_medic_gateway(ls_pay: httpx.AsyncClient) -> None:
    answer = await ls_pay.get("/api/sms/incoming", headers={"X-Gateway-Key": OTHER_KEY})
    assert answer.json() == {"medic-gateway": True}


async def test_missing_or_wrong_key_is_401_and_nothing_is_stored(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    body = {"messages": [sms(mpesa("10.00", txn="KEY1"))]}
    for headers in ({}, {"X-Gateway-Key": "wrong"}, {"X-Gateway-Key": ""}):
        answer = await ls_pay.post("/api/sms/incoming", json=body, headers=headers)
        assert answer.status_code == 401
    assert (await ls_pay.get("/api/sms/incoming")).status_code == 401
    assert rows(ls_db, "SELECT count(*) FROM sms_messages") == [(0,)]


async def test_invalid_bodies_are_400_in_the_apps_error_shape(ls_pay: httpx.AsyncClient) -> None:
    answer = await ls_pay.post("/api/sms/incoming", content=b"{not json", headers=GATEWAY)
    assert answer.status_code == 400
    assert answer.json()["error"] is True
    assert "not JSON" in answer.json()["message"]
    answer = await ls_pay.post("/api/sms/incoming", json={"messages": "x"}, headers=GATEWAY)
    assert answer.status_code == 400
    assert answer.json()["fields"][0]["field"] == "messages"


async def test_a_message_without_a_sender_is_kept_as_invalid_not_a_failed_batch(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    answer = await ls_pay.post(
        "/api/sms/incoming", json={"messages": [{"id": "1", "content": "x"}]}, headers=GATEWAY
    )
    assert answer.status_code == 200
    [result] = answer.json()["results"]
    assert result["outcome"] == "invalid" and "from" in result["reason"]
    assert rows(ls_db, "SELECT outcome, content FROM sms_messages") == [("invalid", "x")]


async def test_a_payment_sms_is_stored_paid_credited_and_receipted(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG", phone="26650000009")
    body = await post_sms(ls_pay, sms(mpesa("125.50", txn="TJK9XYZ1A2"), id="1893"))
    [result] = body["results"]
    assert result["id"] == "1893"
    assert result["outcome"] == "payment"
    assert result["account_number"] == "0252SHG"
    assert (result["amount"], result["currency"]) == ("125.50", "LSL")
    holder, payer = body["messages"]  # the payer (26650000001) is not the account holder
    assert (holder["to"], payer["to"]) == ("+26650000009", "+26650000001")
    assert holder["content"] == payer["content"] and holder["id"] != payer["id"]
    sesotho, english = holder["content"].split("\n")
    assert "M125.50" in sesotho and "0252SHG" in sesotho and "amohetsoe" in sesotho
    assert english.startswith("Payment of LSL125.50 for account 0252SHG")
    assert "Balance: LSL0.00 (" not in english and "Balance: " in english
    stored = rows(
        ls_db,
        "SELECT sender, content, sms_received, outcome, payment_id FROM sms_messages",
    )
    assert stored[0][0] == "MPESA" and "TJK9XYZ1A2 Confirmed" in stored[0][1]
    assert stored[0][2].isoformat() == "2026-04-10T07:00:01+00:00"
    assert stored[0][3:] == ("payment", result["payment_id"])
    outbox = rows(ls_db, "SELECT payment_id, status, platform FROM credit_outbox")
    assert outbox == [(result["payment_id"], "pending", "koios")]


async def test_a_gateway_retry_is_a_duplicate_and_pays_once(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG")
    message = sms(mpesa("50.00", txn="RETRY1"), id="77")
    first_answer = await post_sms(ls_pay, message)
    first = first_answer["results"][0]
    again = await post_sms(ls_pay, message)
    assert again["results"][0]["outcome"] == "duplicate"
    assert again["results"][0]["payment_id"] == first["payment_id"]
    assert again["messages"] == first_answer["messages"]  # no status yet: the receipt again
    other_gateway = (await post_sms(ls_pay, {**message, "id": "78"}))["results"][0]
    assert other_gateway["outcome"] == "duplicate"
    assert other_gateway["payment_id"] == first["payment_id"]
    assert rows(ls_db, "SELECT count(*) FROM payments") == [(1,)]
    assert rows(ls_db, "SELECT count(*) FROM credit_outbox") == [(1,)]
    assert rows(ls_db, "SELECT count(*) FROM sms_messages") == [(2,)]


async def test_concurrent_duplicate_posts_make_one_payment(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG")
    same = sms(mpesa("80.00", txn="RACE1"), id="500")
    forwarded = [{**same, "id": str(500 + i % 3)} for i in range(12)]
    bodies = await asyncio.gather(*(post_sms(ls_pay, message) for message in forwarded))
    outcomes = sorted(body["results"][0]["outcome"] for body in bodies)
    assert outcomes == ["duplicate"] * 11 + ["payment"]
    assert rows(ls_db, "SELECT count(*), sum(amount_minor) FROM payments") == [(1, 8000)]
    assert rows(ls_db, "SELECT count(*) FROM credit_outbox") == [(1,)]


async def test_garbage_is_kept_verbatim_as_unparsed(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    text = "Ke kopa thuso, motlakase o timile \u26a1 ka 3 AM"
    body = await post_sms(ls_pay, sms(text, sender="26658000000"))
    assert body["results"][0]["outcome"] == "unparsed"
    assert body["results"][0]["payment_id"] is None
    assert rows(ls_db, "SELECT content, outcome FROM sms_messages") == [(text, "unparsed")]
    inbox = (
        await ls_pay.get("/api/sms/inbox?outcome=unparsed", headers=auth(role="viewer"))
    ).json()
    assert [item["content"] for item in inbox["items"]] == [text]


async def test_unknown_account_and_phone_are_parked_as_unmatched(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    body = await post_sms(
        ls_pay, sms(mpesa("10.00", txn="TXN99", remark="9999 ZZZ unknown", phone="26650000004"))
    )
    result = body["results"][0]
    assert (result["outcome"], result["payment_id"], result["amount"]) == (
        "unmatched",
        None,
        "10.00",
    )
    assert rows(ls_db, "SELECT count(*) FROM payments") == [(0,)]
    assert body["messages"] == []


async def test_the_payer_phone_finds_the_account_when_no_token_exists(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0045MAS", phone="26650000004")
    body = await post_sms(
        ls_pay, sms(mpesa("10.00", txn="PHONE1", remark="9999 ZZZ", phone="26650000004"))
    )
    assert body["results"][0]["outcome"] == "payment"
    assert body["results"][0]["account_number"] == "0045MAS"


async def test_the_remark_token_wins_over_a_body_token(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0001MAT")
    add_account(ls_db, "0045MAT")
    content = (
        "TEST000009 Confirmed. on 13/8/24 at 12:50 PM M20.00 received from 26650000003 "
        "re 0001MAT. Reference: 5 Remark: 0045 MAT"
    )
    body = await post_sms(ls_pay, sms(content))
    assert body["results"][0]["account_number"] == "0045MAT"


async def test_a_nul_in_one_message_does_not_refuse_the_post(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG")
    odd = sms("hello\u0000there", id="nul-1")
    good = sms(mpesa("100.00", txn="NULPOST1"), id="nul-2")
    body = await post_sms(ls_pay, odd, good)
    assert [r["outcome"] for r in body["results"]] == ["unparsed", "payment"]
    stored = rows(ls_db, "SELECT content FROM sms_messages WHERE gateway_message_id = 'nul-1'")
    assert stored == [("hello\ufffdthere",)]


async def test_text_the_database_cannot_hold_is_stored_as_near_verbatim_as_it_can(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    # A NUL and half a UTF-16 pair, as JSON escapes (no client library would encode them).
    raw = '{"messages": [{"id": "odd\\u0000id", "content": "half \\udbf0", "sms_received": "x"}]}'
    answer = await ls_pay.post(
        "/api/sms/incoming",
        content=raw.encode(),
        headers={**GATEWAY, "Content-Type": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    assert [r["outcome"] for r in answer.json()["results"]] == ["invalid"]
    stored = rows(ls_db, "SELECT gateway_message_id, content FROM sms_messages")
    assert stored == [("odd\ufffdid", "half \\udbf0")]
