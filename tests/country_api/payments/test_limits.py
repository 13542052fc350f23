"""The largest payment a country accepts (`payments.max_amount`): refused at every door."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from gridcare.core.countries import PAYMENT_CEILING, load_all_countries
from tests.country_api.payments.factories import GATEWAY, add_account, mpesa, post_sms, rows, sms
from tests.country_api.payments.test_webhook import webhook

Auth = Callable[..., dict[str, str]]


def test_every_shipped_country_sets_a_sane_maximum() -> None:
    maxima = {code: c.payments.max_amount for code, c in load_all_countries().items()}
    assert set(maxima) >= {"ls", "bn", "zm"}
    assert all(m is not None and 0 < m <= PAYMENT_CEILING for m in maxima.values()), maxima


@pytest.mark.parametrize("amount", ["20000.01", "1000000000000", "10000000000000"])
async def test_a_webhook_over_the_maximum_is_422_and_not_stored(
    ls_pay: httpx.AsyncClient, ls_db: str, amount: str
) -> None:
    add_account(ls_db, "0252SHG")
    refused = await ls_pay.post(
        "/api/payments/webhook", json=webhook(amount=amount), headers=GATEWAY
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["fields"][0]["field"] == "amount"
    assert "largest payment accepted in Lesotho, 20000.00 LSL" in error["message"]
    assert rows(ls_db, "SELECT count(*) FROM sms_messages") == [(0,)]
    assert rows(ls_db, "SELECT count(*) FROM payments") == [(0,)]


async def test_the_maximum_itself_is_a_payment(ls_pay: httpx.AsyncClient, ls_db: str) -> None:
    add_account(ls_db, "0252SHG")
    paid = await ls_pay.post("/api/payments/webhook", json=webhook(amount="20000"), headers=GATEWAY)
    assert paid.json()["outcome"] == "payment"


async def test_a_manual_payment_over_the_maximum_is_422(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    add_account(ls_db, "0252SHG")
    refused = await ls_pay.post(
        "/api/payments",
        json={"account_number": "0252SHG", "amount": "1000000000000"},
        headers=auth(role="finance"),
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "amount"
    assert rows(ls_db, "SELECT count(*) FROM payments") == [(0,)]


async def test_an_sms_over_the_maximum_is_kept_as_rejected_with_the_reason(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    add_account(ls_db, "0252SHG")
    answer = await post_sms(ls_pay, sms(mpesa("25000.00", txn="TJK9BIG001")))
    (result,) = answer["results"]
    assert result["outcome"] == "rejected"
    assert "largest payment accepted" in result["reason"]
    ((outcome, reason),) = rows(ls_db, "SELECT outcome, reason FROM sms_messages")
    assert outcome == "rejected"
    assert reason.startswith("25000.00 LSL is more than the largest payment")
    assert rows(ls_db, "SELECT count(*) FROM payments") == [(0,)]
