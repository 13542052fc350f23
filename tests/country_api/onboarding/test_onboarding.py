"""Onboarding steps from the ledger and staff actions, fee rules before connection, payments
waiting for a new account, commissioning, the pipeline, meter replacement and deactivation."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import Engine

from country_api.onboarding.platform_outbox import PlatformCustomerWorker
from country_api.payments.outbox import CreditWorker, RetryPolicy
from country_api.plugins.meters.koios import KoiosPlatform
from country_api.plugins.meters.protocol import MeterPlatform, PlatformCustomerData
from country_api.plugins.meters.thundercloud import ThunderCloudPlatform
from gridcare.core.db import make_engine
from tests.country_api.customers.factories import customer_payload
from tests.country_api.payments.factories import add_account, mpesa, post_sms, rows, sms
from tests.fakes.koios import FakeKoios
from tests.fakes.thundercloud import FakeThunderCloud

Auth = Callable[..., dict[str, str]]
NO_WAIT = RetryPolicy(max_attempts=3, base_seconds=0.0)
FIVE_STEPS = [
    "registered",
    "connection_fee_paid",
    "readyboard_fee_paid",
    "installed",
    "commissioned",
]


@pytest.fixture
def engine(ls_db: str) -> Iterator[Engine]:
    engine = make_engine(ls_db, pool_size=4)
    yield engine
    engine.dispose()


async def register(client: httpx.AsyncClient, auth: Auth, **overrides: Any) -> str:
    answer = await client.post(
        "/api/customers", json=customer_payload(**overrides), headers=auth(role="customer_care")
    )
    assert answer.status_code == 201, answer.text
    number: str = answer.json()["account_number"]
    return number


async def onboarding(client: httpx.AsyncClient, auth: Auth, account: str) -> dict[str, Any]:
    answer = await client.get(f"/api/customers/{account}/onboarding", headers=auth(role="viewer"))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def done(body: dict[str, Any]) -> dict[str, bool]:
    return {step["step"]: step["done"] for step in body["steps"]}


async def commission(
    client: httpx.AsyncClient, auth: Auth, account: str, meter: str = "SM-1", **extra: Any
) -> httpx.Response:
    payload = {"meter_id": meter, "platform": "sparkmeter", "latitude": -29.5, "longitude": 28.2}
    payload.update(extra)
    return await client.post(
        f"/api/customers/{account}/commission", json=payload, headers=auth(role="onm")
    )


async def test_fee_steps_follow_the_ledger_and_unconnected_payments_go_wholly_to_fees(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    account = await register(ls_pay, auth, site_code="SHG")
    assert account == "0001SHG"
    first = await onboarding(ls_pay, auth, account)
    assert [s["step"] for s in first["steps"]] == FIVE_STEPS
    assert first["stage"] == "registered"
    assert done(first) == {step: step == "registered" for step in FIVE_STEPS}
    paid = await post_sms(ls_pay, sms(mpesa("501.00", txn="CONN1", remark="0001 SHG")))
    assert paid["results"][0]["outcome"] == "fee"
    after_fee = await onboarding(ls_pay, auth, account)
    assert after_fee["stage"] == "connection_fee_paid"
    assert done(after_fee)["connection_fee_paid"] and not done(after_fee)["readyboard_fee_paid"]
    await post_sms(ls_pay, sms(mpesa("100.00", txn="PART1", remark="0001 SHG")))
    # not connected yet: all of it to the readyboard fee, nothing to electricity
    assert rows(ls_db, "SELECT fee_minor, electricity_minor FROM payments ORDER BY id") == [
        (50100, 0),
        (10000, 0),
    ]
    assert rows(ls_db, "SELECT count(*) FROM credit_outbox") == [(0,)]
    rest = await post_sms(ls_pay, sms(mpesa("399.00", txn="REST1", remark="0001 SHG")))
    assert rest["results"][0]["outcome"] == "fee"  # exactly the whole remaining debt
    fees_paid = await onboarding(ls_pay, auth, account)
    assert fees_paid["stage"] == "readyboard_fee_paid"
    answer = await commission(ls_pay, auth, account, phase="single", breaker_amps=20)
    assert answer.status_code == 200, answer.text
    assert answer.json()["stage"] == "commissioned"
    assert answer.json()["platform_customer"] == "pending"  # SHG is a Koios site
    final = await onboarding(ls_pay, auth, account)
    assert final["stage"] == "commissioned"
    assert all(done(final).values())
    by = {step["step"]: step.get("by") for step in final["steps"]}
    assert by["commissioned"] == by["installed"] == "tester"
    # connected now: half of a payment to fees (none owed), so all to electricity
    await post_sms(ls_pay, sms(mpesa("50.00", txn="ELEC1", remark="0001 SHG")))
    assert rows(
        ls_db, "SELECT fee_minor, electricity_minor FROM payments ORDER BY id DESC LIMIT 1"
    ) == [(0, 5000)]
    customer = (await ls_pay.get(f"/api/customers/{account}", headers=auth())).json()
    assert customer["connected_at"] is not None
    assert customer["accounts"][0]["meters"][0]["meter_id"] == "SM-1"
    audited = {r[0] for r in rows(ls_db, "SELECT table_name FROM mutations")}
    assert {"commissionings", "onboarding_events", "meter_assignments", "customers"} <= audited


async def test_a_payment_of_the_whole_fee_debt_settles_all_of_it(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG", connected=False)
    body = await post_sms(ls_pay, sms(mpesa("1000.00", txn="WHOLE1")))
    assert body["results"][0]["outcome"] == "fee"
    assert rows(ls_db, "SELECT fee_code, amount_minor FROM payment_fees ORDER BY id") == [
        ("connection", 50100),
        ("readyboard", 49900),
    ]
    assert rows(ls_db, "SELECT electricity_minor FROM payments") == [(0,)]


async def test_a_connected_account_still_pays_half_to_fees(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG", connected=True)
    await post_sms(ls_pay, sms(mpesa("100.00", txn="HALF9")))
    assert rows(ls_db, "SELECT fee_minor, electricity_minor FROM payments") == [(5000, 5000)]


async def test_unmatched_payments_naming_a_new_account_attach_but_phone_ones_are_offered(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    named = await post_sms(ls_pay, sms(mpesa("501.00", txn="EARLY1", remark="0001 MAS")))
    assert named["results"][0]["outcome"] == "unmatched"
    by_phone = await post_sms(
        ls_pay, sms(mpesa("20.00", txn="PHONE1", remark="for my house", phone="26658123456"))
    )
    assert by_phone["results"][0]["outcome"] == "unmatched"
    account = await register(ls_pay, auth, site_code="MAS", phone="5812 3456")
    assert account == "0001MAS"
    listed = (await ls_pay.get(f"/api/payments?account_number={account}", headers=auth())).json()
    assert [item["reference"] for item in listed["items"]] == ["EARLY1"]
    assert rows(
        ls_db,
        "SELECT actor, new_values->>'account_number' FROM mutations"
        " WHERE table_name = 'sms_messages'",
    ) == [("tester", "0001MAS")]
    offered = await ls_pay.get(f"/api/customers/{account}/waiting-payments", headers=auth())
    assert offered.status_code == 200
    [waiting] = offered.json()
    assert (waiting["amount"], waiting["reference"]) == ("20.00", "PHONE1")
    progress = await onboarding(ls_pay, auth, account)
    assert progress["stage"] == "connection_fee_paid"


async def test_pipeline_counts_accounts_per_stage_and_lists_them(
    ls_pay: httpx.AsyncClient, auth: Auth
) -> None:
    first = await register(ls_pay, auth, site_code="LEB")
    await register(ls_pay, auth, site_code="LEB", first_name="Thabo")
    assert (await commission(ls_pay, auth, first)).status_code == 200
    answer = await ls_pay.get("/api/onboarding/pipeline?site=leb", headers=auth(role="viewer"))
    assert answer.status_code == 200, answer.text
    counts = {s["stage"]: s["count"] for s in answer.json()["stages"]}
    assert counts["registered"] == 1 and counts["commissioned"] == 1
    assert counts["connection_fee_paid"] == 0
    listed = await ls_pay.get(
        "/api/onboarding/pipeline/accounts?site=LEB&stage=registered", headers=auth()
    )
    assert [(i["account_number"], i["name"]) for i in listed.json()["items"]] == [
        ("0002LEB", "Thabo Mokoena")
    ]
    bad = await ls_pay.get("/api/onboarding/pipeline?site=XXX", headers=auth())
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "site"
    stage = await ls_pay.get("/api/onboarding/pipeline/accounts?site=LEB&stage=x", headers=auth())
    assert stage.status_code == 422 and stage.json()["error"]["fields"][0]["field"] == "stage"


async def test_commissioning_refuses_bad_input_naming_the_field(
    ls_pay: httpx.AsyncClient, auth: Auth
) -> None:
    account = await register(ls_pay, auth)
    far = await commission(ls_pay, auth, account, latitude=123)
    assert far.status_code == 422
    assert "latitude" in far.json()["error"]["fields"][0]["field"]
    platform = await commission(ls_pay, auth, account, platform="nokia")
    assert platform.status_code == 422
    assert "platform" in platform.json()["error"]["fields"][0]["field"]
    care = await ls_pay.post(
        f"/api/customers/{account}/commission",
        json={"meter_id": "X", "platform": "sparkmeter", "latitude": 1, "longitude": 1},
        headers=auth(role="customer_care"),
    )
    assert care.status_code == 403
    alias = await commission(ls_pay, auth, account, platform="thundercloud")
    assert alias.status_code == 200, alias.text


async def test_demoting_or_retiring_the_only_primary_needs_a_replacement_and_replace_keeps_history(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    account = await register(ls_pay, auth)
    assert (await commission(ls_pay, auth, account, meter="OLD-1")).status_code == 200
    demote = await ls_pay.patch("/api/meters/OLD-1/role", json={"role": "check"}, headers=auth())
    assert demote.status_code == 409
    retire = await ls_pay.post("/api/meters/OLD-1/decommission", headers=auth(role="onm"))
    assert retire.status_code == 409
    replaced = await ls_pay.post(
        "/api/meters/OLD-1/replace", json={"new_meter_id": "NEW-1"}, headers=auth(role="onm")
    )
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["meter_id"], replaced.json()["role"]) == ("NEW-1", "primary")
    old = (await ls_pay.get("/api/meters/OLD-1", headers=auth())).json()
    assert (old["status"], old["account_number"]) == ("decommissioned", None)
    history = rows(
        ls_db,
        "SELECT m.meter_id, a.started_at, a.ended_at FROM meter_assignments a"
        " JOIN meters m ON m.id = a.meter_pk ORDER BY a.id",
    )
    assert [h[0] for h in history] == ["OLD-1", "NEW-1"]
    assert history[0][2] == history[1][1]  # no gap, no overlap
    found = await ls_pay.get("/api/meters?q=new", headers=auth())
    assert [m["meter_id"] for m in found.json()["items"]] == ["NEW-1"]
    by_site = await ls_pay.get("/api/meters?site=MAK", headers=auth())
    assert by_site.json()["total"] == 1


async def test_deactivation_asks_about_the_meters_and_closes_the_account(
    ls_pay: httpx.AsyncClient, auth: Auth
) -> None:
    account = await register(ls_pay, auth)
    assert (await commission(ls_pay, auth, account, meter="KEEP-1")).status_code == 200
    unasked = await ls_pay.post(f"/api/customers/{account}/deactivate", headers=auth())
    assert unasked.status_code == 422
    assert unasked.json()["error"]["fields"][0]["field"] == "meters"
    answer = await ls_pay.post(
        f"/api/customers/{account}/deactivate", json={"meters": "keep"}, headers=auth()
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["active"] is False and body["accounts"][0]["closed_at"] is not None
    assert (await onboarding(ls_pay, auth, account))["stage"] == "decommissioned"
    meter = (await ls_pay.get("/api/meters/KEEP-1", headers=auth())).json()
    assert (meter["status"], meter["account_number"]) == ("inactive", None)
    other = await register(ls_pay, auth, first_name="Lerato")
    assert (await commission(ls_pay, auth, other, meter="KEEP-1")).status_code == 200


def signature_png() -> str:
    image = Image.new("RGB", (200, 60), "white")
    for x in range(20, 180):
        image.putpixel((x, 30 + (x % 7)), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def test_contract_in_the_customers_language_signed_and_kept_byte_for_byte(
    ls_pay: httpx.AsyncClient, auth: Auth
) -> None:
    account = await register(ls_pay, auth)
    sesotho = await ls_pay.get(f"/api/customers/{account}/contract.pdf?lang=st", headers=auth())
    assert sesotho.status_code == 200
    assert sesotho.headers["content-type"] == "application/pdf"
    text = pdf_text(sesotho.content)
    assert "Palesa Mokoena" in text and account in text and "Konteraka" in text
    english = pdf_text(
        (await ls_pay.get(f"/api/customers/{account}/contract.pdf?lang=en", headers=auth())).content
    )
    assert "supply contract" in english.lower() and "501" in english
    sesotho_name = await register(ls_pay, auth, first_name="Mamokete", last_name="Tšosane")
    named = await ls_pay.get(f"/api/customers/{sesotho_name}/contract.pdf", headers=auth())
    assert "Mamokete Tšosane" in pdf_text(named.content)  # not Latin-1: the font is embedded
    french = await ls_pay.get(f"/api/customers/{account}/contract.pdf?lang=fr", headers=auth())
    assert french.status_code == 422 and french.json()["error"]["fields"][0]["field"] == "lang"
    bad = await ls_pay.post(
        f"/api/customers/{account}/contracts",
        json={"lang": "st", "signature": "data:image/png;base64,bm90IGEgcG5n"},
        headers=auth(role="customer_care"),
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "signature"
    signed = await ls_pay.post(
        f"/api/customers/{account}/contracts",
        json={"lang": "st", "signature": signature_png()},
        headers=auth(role="customer_care", username="agent1"),
    )
    assert signed.status_code == 201, signed.text
    contract = signed.json()
    assert contract["witnessed_by"] == "agent1"
    again = await ls_pay.get(
        f"/api/customers/{account}/contracts/{contract['id']}.pdf", headers=auth()
    )
    latest = await ls_pay.get(f"/api/customers/{account}/contract.pdf?lang=st", headers=auth())
    assert again.content == latest.content
    assert len(again.content) == contract["size"]
    assert "agent1" in pdf_text(again.content)
    reader = PdfReader(io.BytesIO(again.content))
    assert any(page.images for page in reader.pages)


async def test_benin_contracts_are_in_french(bn_client: httpx.AsyncClient, auth: Auth) -> None:
    answer = await bn_client.post(
        "/api/customers",
        json=customer_payload(site_code="GBO", phone=None),
        headers=auth(country="BN"),
    )
    if answer.status_code == 422:  # the Benin file's site codes
        pytest.skip(answer.text)
    number = answer.json()["account_number"]
    pdf = await bn_client.get(f"/api/customers/{number}/contract.pdf", headers=auth(country="BN"))
    assert pdf.status_code == 200
    assert "Contrat de fourniture" in pdf_text(pdf.content)


def koios_for(fake: FakeKoios) -> Callable[[str], MeterPlatform]:
    return lambda site: KoiosPlatform(
        base_url=fake.url, key=fake.api_key, secret=fake.api_secret, timeout=2.0
    )


async def test_the_platform_customer_is_created_before_the_first_credit(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth, engine: Engine
) -> None:
    account = await register(ls_pay, auth, site_code="SHG", phone="5899 0001")
    await post_sms(ls_pay, sms(mpesa("1000.00", txn="ALLFEES", remark="0001 SHG")))
    assert (await commission(ls_pay, auth, account, meter="SHG-M1")).status_code == 200
    paid = await post_sms(ls_pay, sms(mpesa("40.00", txn="FIRSTKWH", remark="0001 SHG")))
    assert paid["results"][0]["outcome"] == "payment"
    with FakeKoios(customers=set()) as koios:
        credits = CreditWorker(engine=engine, platform_for=koios_for(koios), policy=NO_WAIT)
        held = await credits.drain()
        assert held.claimed == 0  # waits for the customer
        customers = PlatformCustomerWorker(
            engine=engine, platform_for=koios_for(koios), policy=NO_WAIT
        )
        created = await customers.drain()
        assert (created.created, created.failed) == (1, 0)
        assert koios.created[account]["meter_serial"] == "SHG-M1"
        assert koios.created[account]["name"] == "Palesa Mokoena"
        report = await credits.drain()
        assert report.applied == 1
        assert [c.customer_code for c in koios.credits.values()] == [account]
        # idempotent: queued again (a second commissioning), the platform answers "exists"
        rows(ls_db, "UPDATE platform_customer_outbox SET status = 'pending' RETURNING id")
    with FakeKoios(customers={account}) as koios:
        again = PlatformCustomerWorker(engine=engine, platform_for=koios_for(koios), policy=NO_WAIT)
        assert (await again.drain()).existed == 1
    assert rows(ls_db, "SELECT status FROM platform_customer_outbox") == [("done",)]


async def test_thundercloud_customers_are_created_once(
    ls_pay: httpx.AsyncClient, auth: Auth, engine: Engine
) -> None:
    account = await register(ls_pay, auth, site_code="MAK")
    answer = await commission(ls_pay, auth, account, meter="MAK-M1")
    assert answer.json()["platform_customer"] == "pending"
    with FakeThunderCloud(customers=set()) as tc:

        def platform(site: str) -> MeterPlatform:
            return ThunderCloudPlatform(base_url=tc.url, token=tc.token, timeout=2.0)

        worker = PlatformCustomerWorker(engine=engine, platform_for=platform, policy=NO_WAIT)
        assert (await worker.drain()).created == 1
        assert tc.created[account]["code"] == account
        data = PlatformCustomerData(
            code=account, name="x", phone=None, meter_serial=None, site_code="MAK"
        )
        async with ThunderCloudPlatform(base_url=tc.url, token=tc.token) as direct:
            repeat = await direct.create_customer(data)
        assert repeat.status == "exists"


async def test_staff_mark_installed_active_and_disconnected_with_who_and_when(
    ls_pay: httpx.AsyncClient, auth: Auth
) -> None:
    account = await register(ls_pay, auth)
    url = f"/api/customers/{account}/onboarding/steps"
    early = await ls_pay.post(url, json={"step": "active"}, headers=auth(role="onm"))
    assert early.status_code == 409  # not commissioned yet
    unknown = await ls_pay.post(url, json={"step": "paid"}, headers=auth(role="onm"))
    assert unknown.status_code == 422 and unknown.json()["error"]["fields"][0]["field"] == "step"
    care = await ls_pay.post(url, json={"step": "installed"}, headers=auth(role="customer_care"))
    assert care.status_code == 403
    installed = await ls_pay.post(
        url, json={"step": "installed"}, headers=auth(role="onm", username="tech1")
    )
    assert installed.status_code == 200
    assert installed.json()["stage"] == "installed"
    assert {s["step"]: s["by"] for s in installed.json()["steps"]}["installed"] == "tech1"
    assert (await commission(ls_pay, auth, account)).status_code == 200
    active = await ls_pay.post(url, json={"step": "active"}, headers=auth(role="onm"))
    assert active.json()["stage"] == "active"
    cut = await ls_pay.post(
        url, json={"step": "disconnected", "note": "meter tampered"}, headers=auth(role="onm")
    )
    assert cut.json()["stage"] == "disconnected"
