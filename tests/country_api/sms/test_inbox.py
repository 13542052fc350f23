import json
from collections.abc import Callable

import httpx
import pytest
from babel.numbers import format_currency

from country_api.payments.parsers import TEMPLATE_TTL_SECONDS, ParserChain
from federation_gateway.tokens import TokenIssuer
from gridcare.core.countries import load_country
from gridcare.core.data import SMS_SAMPLES_DIR
from tests.country_api.payments.factories import (
    GATEWAY,
    add_account,
    client_for,
    ls_app,
    mpesa,
    post_sms,
    rows,
    sms,
)
from tests.support.clocks import VirtualClock
from tests.support.countries import country_app

Auth = Callable[..., dict[str, str]]
SAMPLES = SMS_SAMPLES_DIR
OUTCOMES = {"payment", "duplicate", "unmatched", "fee", "unparsed", "rejected"}


def samples(code: str) -> list[tuple[str, str]]:
    data = json.loads((SAMPLES / f"{code}_inbound_samples.json").read_text())
    found = []
    for sample in data["samples"]:
        contents = sample["content"] if isinstance(sample["content"], list) else [sample["content"]]
        found += [(sample.get("sender") or "", content) for content in contents]
    return found


async def test_staff_allocate_an_unmatched_payment_and_it_is_audited(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    await post_sms(ls_pay, sms(mpesa("30.00", txn="ORPHAN01", remark="no account")))
    add_account(ls_db, "0007SEB")
    inbox = (await ls_pay.get("/api/sms/inbox?outcome=unmatched", headers=auth())).json()
    [item] = inbox["items"]
    assert item["parsed"]["amount_minor"] == 3000
    url = f"/api/sms/inbox/{item['id']}/allocate"
    refused = await ls_pay.post(url, json={"account_number": "0007SEB"}, headers=auth("viewer"))
    assert refused.status_code == 403
    unknown = await ls_pay.post(url, json={"account_number": "0099SEB"}, headers=auth("finance"))
    assert unknown.status_code == 422
    done = await ls_pay.post(
        url, json={"account_number": "0007seb"}, headers=auth("customer_care", username="lineo")
    )
    assert done.status_code == 200, done.text
    assert (done.json()["outcome"], done.json()["account_number"]) == ("payment", "0007SEB")
    again = await ls_pay.post(url, json={"account_number": "0007SEB"}, headers=auth("finance"))
    assert again.status_code == 409
    assert rows(ls_db, "SELECT outcome, allocated_by FROM sms_messages") == [("payment", "lineo")]
    assert rows(ls_db, "SELECT actor, table_name FROM mutations") == [("lineo", "sms_messages")]
    assert rows(ls_db, "SELECT source, amount_minor FROM payments") == [("allocation", 3000)]


async def test_with_automation_off_payments_are_parked_not_paid(
    ls_db: str, issuer: TokenIssuer, auth: Auth
) -> None:
    app = ls_app(ls_db, issuer, features={"payment_automation": False, "meter_credit": True})
    async with client_for(app) as client:
        add_account(ls_db, "0252SHG")
        body = await post_sms(client, sms(mpesa("60.00", txn="PARKED01")))
        result = body["results"][0]
        assert (result["outcome"], result["account_number"]) == ("parked", "0252SHG")
        assert rows(ls_db, "SELECT count(*) FROM payments") == [(0,)]
        inbox = (await client.get("/api/sms/inbox?outcome=parked", headers=auth())).json()
        assert "automation is off" in inbox["items"][0]["reason"]
        url = f"/api/sms/inbox/{inbox['items'][0]['id']}/allocate"
        done = await client.post(url, json={"account_number": "0252SHG"}, headers=auth())
        assert done.json()["outcome"] == "payment"


async def test_operator_templates_are_tried_first_and_managed_through_the_api(
    bn_db: str, issuer: TokenIssuer, auth: Auth
) -> None:
    app = country_app("bn", bn_db, issuer, sms_gateway_keys="bn-key")
    headers = auth("finance", country="BN")
    moov = "Vous avez recu 5.000 FCFA de 22961000000. Ref: MV778899. Motif: 0042SAM"
    async with client_for(app) as client:
        add_account(bn_db, "0042SAM")
        broken = await client.post(
            "/api/sms/templates",
            json={"name": "bad", "provider": "moov_bj", "pattern": "recu {montant} FCFA"},
            headers=headers,
        )
        assert broken.status_code == 422
        assert broken.json()["error"]["fields"][0]["field"] == "pattern"
        made = await client.post(
            "/api/sms/templates",
            json={
                "name": "Moov received",
                "provider": "moov_bj",
                "sender": "MoovMoney",
                "pattern": "recu {amount} FCFA de {phone}. Ref: {txn_id}. Motif: {account}",
            },
            headers=headers,
        )
        assert made.status_code == 201, made.text
        answer = await client.post(
            "/api/sms/incoming",
            json={"messages": [sms(moov, sender="MoovMoney", id="m1")]},
            headers={"X-Gateway-Key": "bn-key"},
        )
        body = answer.json()
        result = body["results"][0]
        assert (result["outcome"], result["amount"], result["currency"]) == (
            "payment",
            "5000",
            "XOF",
        )
        french = format_currency(5000, "XOF", locale="fr_BJ")
        assert body["messages"][0]["content"].startswith(f"Paiement de {french} pour le compte")
        assert rows(bn_db, "SELECT provider, reference, kwh FROM payments") == [
            ("moov_bj", "MV778899", 31.25)
        ]
        listed = (await client.get("/api/sms/templates", headers=headers)).json()
        assert [t["name"] for t in listed] == ["Moov received"]
        off = await client.patch(
            f"/api/sms/templates/{made.json()['id']}", json={"active": False}, headers=headers
        )
        assert off.json()["active"] is False


async def test_another_copy_sees_a_new_template_once_its_cached_templates_expire(
    bn_db: str, issuer: TokenIssuer, auth: Auth
) -> None:
    clock = VirtualClock()
    chain = ParserChain(load_country("bn"), monotonic=clock)
    writer = country_app("bn", bn_db, issuer, sms_gateway_keys="bn-key")
    other = country_app("bn", bn_db, issuer, sms_gateway_keys="bn-key", parsers=chain)
    gateway = {"X-Gateway-Key": "bn-key"}

    async def outcome(client: httpx.AsyncClient, txn: str) -> str:
        text = f"GCTEST amt=5000 tel=22961000000 id={txn} acct=0042SAM"
        message = sms(text, sender="GCTEST", id=txn)
        body = (
            await client.post("/api/sms/incoming", json={"messages": [message]}, headers=gateway)
        ).json()
        return str(body["results"][0]["outcome"])

    async with client_for(writer) as first, client_for(other) as second:
        add_account(bn_db, "0042SAM")
        assert await outcome(second, "GC000001") == "unparsed"  # its templates now cached
        made = await first.post(
            "/api/sms/templates",
            json={
                "name": "Test operator",
                "provider": "moov_bj",
                "sender": "GCTEST",
                "pattern": "GCTEST amt={amount} tel={phone} id={txn_id} acct={account}",
            },
            headers=auth("finance", country="BN"),
        )
        assert made.status_code == 201, made.text
        assert await outcome(first, "GC000002") == "payment"  # the writer re-reads at once
        clock.advance(TEMPLATE_TTL_SECONDS - 0.1)
        assert await outcome(second, "GC000003") == "unparsed"  # the other copy still caches
        clock.advance(0.2)
        assert await outcome(second, "GC000004") == "payment"


@pytest.mark.parametrize(("sender", "content"), samples("ls"))
async def test_every_lesotho_sample_gets_an_outcome_and_is_stored(
    ls_pay: httpx.AsyncClient, ls_db: str, sender: str, content: str
) -> None:
    answer = await ls_pay.post(
        "/api/sms/incoming", json={"messages": [sms(content, sender=sender)]}, headers=GATEWAY
    )
    assert answer.status_code == 200
    assert answer.json()["results"][0]["outcome"] in OUTCOMES
    assert rows(ls_db, "SELECT content FROM sms_messages") == [(content,)]


async def test_benin_momo_payment_is_paid_in_francs_with_a_french_receipt(
    bn_db: str, issuer: TokenIssuer
) -> None:
    app = country_app("bn", bn_db, issuer, sms_gateway_keys="bn-key")
    content = (
        "Paiement 10 000F de <PAYER FULL NAME> (2290100000001) 2026-09-27 18:43:37 "
        "Message:0001KOT Solde:10563519F ID:12985"
    )
    async with client_for(app) as client:
        add_account(bn_db, "0001KOT")
        answer = await client.post(
            "/api/sms/incoming",
            json={"messages": [sms(content, sender="MTN MoMo")]},
            headers={"X-Gateway-Key": "bn-key"},
        )
    body = answer.json()
    result = body["results"][0]
    assert (result["outcome"], result["amount"], result["currency"]) == ("payment", "10000", "XOF")
    assert "enregistré" in body["messages"][0]["content"]
    assert rows(bn_db, "SELECT amount_minor, kwh, rate FROM payments") == [(10000, 62.5, 160)]


@pytest.mark.parametrize(("sender", "content"), samples("bn"))
async def test_every_benin_sample_gets_an_outcome_and_is_stored(
    bn_db: str, issuer: TokenIssuer, sender: str, content: str
) -> None:
    app = country_app("bn", bn_db, issuer, sms_gateway_keys="bn-key")
    async with client_for(app) as client:
        answer = await client.post(
            "/api/sms/incoming",
            json={"messages": [sms(content, sender=sender)]},
            headers={"X-Gateway-Key": "bn-key"},
        )
    assert answer.status_code == 200
    assert answer.json()["results"][0]["outcome"] in OUTCOMES
    assert rows(bn_db, "SELECT content FROM sms_messages") == [(content,)]
