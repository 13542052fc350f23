"""The stock cht-gateway app (faked as it behaves: `tests/fakes/cht_gateway.py`) against
`/api/sms/incoming`: authentication, batches, errors, gzip, receipts and delivery updates."""

from collections.abc import Callable

import httpx

from federation_gateway.tokens import TokenIssuer
from tests.country_api.payments.factories import (
    GATEWAY,
    GATEWAY_KEY,
    add_account,
    client_for,
    ls_app,
    mpesa,
    rows,
)
from tests.fakes.cht_gateway import FakeChtGateway

Auth = Callable[..., dict[str, str]]
URL = f"http://phone-maseru:{GATEWAY_KEY}@country/api/sms/incoming"


async def test_the_app_authenticates_with_basic_credentials_from_its_url(
    ls_pay: httpx.AsyncClient,
) -> None:
    app = FakeChtGateway(URL)
    answer = await app.poll(ls_pay)
    assert answer.status_code == 200 and answer.json()["messages"] == []
    wrong = FakeChtGateway("http://phone-maseru:nope@country/api/sms/incoming")
    answer = await wrong.poll(ls_pay)
    assert answer.status_code == 401
    assert answer.json()["error"] is True
    assert wrong.log == [f"Received error from server: 401: {answer.json()['message']}"]


async def test_a_key_with_reserved_characters_matches_once_percent_decoded(
    ls_db: str, issuer: TokenIssuer
) -> None:
    async with client_for(ls_app(ls_db, issuer, sms_gateway_keys="k/ey:1@x")) as client:
        app = FakeChtGateway("http://phone:k/ey:1@x@country/api/sms/incoming")
        assert (await app.poll(client)).status_code == 200


async def test_null_lists_and_gzip_bodies_are_accepted(ls_pay: httpx.AsyncClient) -> None:
    answer = await ls_pay.post(
        "/api/sms/incoming", json={"messages": None, "updates": None}, headers=GATEWAY
    )
    assert answer.status_code == 200
    app = FakeChtGateway(URL, gzip=True)
    app.receive("g1", "MPESA", "hello")
    answer = await app.poll(ls_pay)
    assert answer.status_code == 200
    assert answer.json()["results"][0]["outcome"] == "unparsed"


async def test_ten_per_poll_and_an_invalid_one_does_not_block_the_others(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG", phone="26650000009")
    app = FakeChtGateway(URL)
    app.receive("long", "MPESA", "x" * 5001)
    app.receive("i" * 121, "MPESA", "id too long")
    app.receive("sender", "S" * 101, "sender too long")
    for n in range(12):
        app.receive(f"pay{n}", "MPESA", mpesa("10.00", txn=f"TXN{n:04d}", phone="26650000009"))
    first = await app.poll(ls_pay)
    assert first.status_code == 200
    outcomes = [r["outcome"] for r in first.json()["results"]]
    assert len(outcomes) == 10 and outcomes[:3] == ["invalid"] * 3
    assert outcomes[3:] == ["payment"] * 7
    await app.poll_until_idle(ls_pay)
    assert app.waiting() == []
    assert rows(ls_db, "SELECT count(*) FROM payments") == [(12,)]
    stored = rows(
        ls_db, "SELECT length(content), reason FROM sms_messages WHERE outcome = 'invalid'"
    )
    assert sorted(length for length, _ in stored) == [11, 15, 5001]
    assert all(reason.startswith("invalid message:") for _, reason in stored)


async def test_the_same_id_with_other_content_is_a_duplicate_of_the_first(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG")
    app = FakeChtGateway(URL)
    app.receive("same", "MPESA", mpesa("10.00", txn="FIRST0001"))
    app.receive("same", "MPESA", mpesa("99.00", txn="OTHER0002"))
    answer = await app.poll(ls_pay)
    assert [r["outcome"] for r in answer.json()["results"]] == ["payment", "duplicate"]
    assert rows(ls_db, "SELECT reference, amount_minor FROM payments") == [("FIRST0001", 1000)]


async def test_receipts_are_offered_until_a_status_comes_and_delivery_is_recorded(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG", phone="26650000009")
    app = FakeChtGateway(URL)
    app.receive("r1", "MPESA", mpesa("125.50", txn="RCPT0001", phone="26650000009"))
    first = await app.poll(ls_pay)
    [receipt] = first.json()["messages"]
    assert receipt["to"] == "+26650000009" and "Balance:" in receipt["content"]
    # the answer was lost: the next poll offers the same receipt, with the same id
    app.outbox.clear()
    again = await app.poll(ls_pay)
    assert again.json()["messages"] == [receipt]
    app.send_all()
    await app.poll(ls_pay)  # PENDING, SENT, DELIVERED go as updates
    assert app.updates == []
    final = await app.poll(ls_pay)
    assert final.json()["messages"] == []
    listed = await ls_pay.get(
        "/api/messages",
        params={"account_number": "0252SHG", "kind": "receipt", "status": "delivered"},
        headers=auth(),
    )
    [item] = listed.json()["items"]
    assert listed.json()["total"] == 1
    assert (item["to"], item["status"], item["gateway_id"]) == (
        "+26650000009",
        "delivered",
        receipt["id"],
    )
    assert item["content"] == receipt["content"] and item["account_number"] == "0252SHG"
    events = rows(ls_db, "SELECT status, applied FROM message_status_events ORDER BY id")
    assert events == [("pending", True), ("sent", True), ("delivered", True)]


async def test_a_failed_receipt_keeps_its_reason_and_staff_retry_it(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG", phone="26650000009")
    app = FakeChtGateway(URL)
    app.receive("f1", "MPESA", mpesa("20.00", txn="FAIL0001", phone="26650000009"))
    await app.poll(ls_pay)
    app.send_all(fail={"+26650000009": "generic failure"})
    await app.poll(ls_pay)
    listed = (await ls_pay.get("/api/messages", params={"status": "failed"}, headers=auth())).json()
    [failed] = listed["items"]
    assert failed["reason"] == "generic failure" and failed["failed_at"] is not None
    viewer = await ls_pay.post(f"/api/messages/{failed['id']}/retry", headers=auth(role="onm"))
    assert viewer.status_code == 403
    retried = await ls_pay.post(f"/api/messages/{failed['id']}/retry", headers=auth())
    assert retried.status_code == 200
    assert retried.json()["status"] == "queued" and retried.json()["attempts"] == 2
    assert retried.json()["gateway_id"] != failed["gateway_id"]  # the app ignores a known id
    again = await ls_pay.post(f"/api/messages/{failed['id']}/retry", headers=auth())
    assert again.status_code == 409
    answer = await app.poll(ls_pay)
    assert [m["id"] for m in answer.json()["messages"]] == [retried.json()["gateway_id"]]
    audit = rows(
        ls_db, "SELECT table_name, actor FROM mutations WHERE table_name = 'outbound_messages'"
    )
    assert audit == [("outbound_messages", "tester")]


async def test_updates_are_idempotent_and_unknown_ids_are_recorded(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG", phone="26650000009")
    app = FakeChtGateway(URL)
    app.receive("u1", "MPESA", mpesa("20.00", txn="UPD00001", phone="26650000009"))
    [receipt] = (await app.poll(ls_pay)).json()["messages"]
    updates = [
        {"id": receipt["id"], "status": "DELIVERED"},
        {"id": receipt["id"], "status": "DELIVERED"},
        {"id": receipt["id"], "status": "PENDING"},
        {"id": "not-ours", "status": "SENT"},
        {"id": receipt["id"], "status": "BOGUS"},
    ]
    answer = await ls_pay.post(
        "/api/sms/incoming", json={"messages": [], "updates": updates}, headers=GATEWAY
    )
    assert answer.status_code == 200 and answer.json()["messages"] == []
    assert rows(ls_db, "SELECT status FROM outbound_messages") == [("delivered",)]
    events = rows(
        ls_db, "SELECT gateway_id, status, applied FROM message_status_events ORDER BY id"
    )
    assert events == [
        (receipt["id"], "delivered", True),
        (receipt["id"], "delivered", False),
        (receipt["id"], "pending", False),
        ("not-ours", "sent", False),
    ]


async def test_empty_filters_filter_nothing_and_unknown_kinds_are_refused(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG", phone="26650000009")
    app = FakeChtGateway(URL)
    app.receive("e1", "MPESA", mpesa("20.00", txn="EMPTY0001", phone="26650000009"))
    await app.poll(ls_pay)
    listed = await ls_pay.get(
        "/api/messages?account_number=&kind=&status=&phone=2665000", headers=auth(role="viewer")
    )
    assert listed.status_code == 200 and listed.json()["total"] == 1
    [item] = listed.json()["items"]
    assert {"id", "to", "content", "kind", "status", "account_number"} <= item.keys()
    assert (item["kind"], item["status"]) == ("receipt", "handed_over")
    refused = await ls_pay.get("/api/messages?kind=spam", headers=auth())
    assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == "kind"


async def test_a_receipt_handed_to_one_phone_is_not_offered_to_another(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG", phone="26650000009")
    maseru = FakeChtGateway(URL)
    leribe = FakeChtGateway(f"http://phone-leribe:{GATEWAY_KEY}@country/api/sms/incoming")
    maseru.receive("two1", "MPESA", mpesa("20.00", txn="TWO000001", phone="26650000009"))
    [receipt] = (await maseru.poll(ls_pay)).json()["messages"]
    assert (await leribe.poll(ls_pay)).json()["messages"] == []
    assert (await maseru.poll(ls_pay)).json()["messages"] == [receipt]
    assert rows(ls_db, "SELECT gateway FROM outbound_messages") == [("phone-maseru",)]
    by_header = await ls_pay.post("/api/sms/incoming", json={}, headers=GATEWAY)
    assert by_header.json()["messages"] == []  # another caller: named by its key's digest
