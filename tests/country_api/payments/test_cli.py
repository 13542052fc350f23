import asyncio

import httpx
import pytest
from typer.testing import CliRunner

from gridcare.cli import app
from tests.country_api.payments.factories import add_account, mpesa, post_sms, rows, sms
from tests.fakes.koios import FakeKoios


async def test_retry_credits_revives_dead_credits_and_pushes_them(
    ls_pay: httpx.AsyncClient, ls_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_account(ls_db, "0252SHG")
    body = await post_sms(ls_pay, sms(mpesa("100.00", txn="CLIDEAD1")))
    payment_id = body["results"][0]["payment_id"]
    rows(ls_db, "UPDATE credit_outbox SET status = 'dead', attempts = 8 RETURNING id")
    with FakeKoios() as koios:
        monkeypatch.setenv("GRIDCARE_COUNTRY", "ls")
        monkeypatch.setenv("GRIDCARE_DATABASE_URL", ls_db)
        monkeypatch.setenv("GRIDCARE_KOIOS_URL", koios.url)
        monkeypatch.setenv("GRIDCARE_KOIOS_API_KEY", koios.api_key)
        monkeypatch.setenv("GRIDCARE_KOIOS_API_SECRET", koios.api_secret)
        runner = CliRunner()
        counted = runner.invoke(app, ["payments", "outbox", "--country", "ls"])
        assert "dead     1" in counted.output
        result = await asyncio.to_thread(  # the command runs its own event loop
            runner.invoke, app, ["payments", "retry-credits", "--country", "ls"]
        )
        assert result.exit_code == 0, result.output
        assert "revived 1; pushed 1: applied 1" in result.output
        assert list(koios.credits) == [str(payment_id)]
    assert rows(ls_db, "SELECT status FROM credit_outbox") == [("done",)]
