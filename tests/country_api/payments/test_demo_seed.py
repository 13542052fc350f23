"""The demo payment history: made with the ledger's own rules, idempotent, with an inbox."""

import random
from collections.abc import Callable
from decimal import Decimal

import httpx

from country_api.config import Settings
from country_api.payments.ledger import kwh_for
from country_api.plugins.payments.chain import parse_with, parsers_for_country
from country_api.plugins.payments.protocol import ParsedPayment
from gridcare.core.db import make_engine
from gridcare.demo.payments import seed_payments
from tests.country_api.payments.factories import add_account, rows
from tests.support.countries import country_settings

Auth = Callable[..., dict[str, str]]


def _settings(url: str) -> Settings:
    return country_settings("ls", url)


async def test_demo_history_follows_the_ledger_rules_and_is_idempotent(
    ls_pay: httpx.AsyncClient, ls_db: str, auth: Auth
) -> None:
    country = _settings(ls_db).country
    for number in ("0001SHG", "0002SHG", "0003MAK", "0004MAS"):
        add_account(ls_db, number, phone=f"2665800000{number[3]}")
    rows(ls_db, "UPDATE accounts SET opened_at = now() - interval '3 years' RETURNING id")
    engine = make_engine(ls_db, pool_size=2)
    try:
        seed_payments(engine=engine, country=country, rng=random.Random(7))
        counts = rows(ls_db, "SELECT count(*) FROM payments")
        seed_payments(engine=engine, country=country, rng=random.Random(8))
        assert rows(ls_db, "SELECT count(*) FROM payments") == counts
    finally:
        engine.dispose()
    per_account = rows(ls_db, "SELECT account_id, count(*) FROM payments GROUP BY account_id")
    assert len(per_account) == 4 and all(18 <= n <= 110 for _, n in per_account)
    for electricity, kwh, rate in rows(
        ls_db, "SELECT electricity_minor, kwh, rate FROM payments WHERE kind = 'payment'"
    ):
        assert kwh == kwh_for(electricity, "LSL", rate)
    assert rows(
        ls_db,
        "SELECT count(*) FROM payments p WHERE fee_minor <>"
        " coalesce((SELECT sum(amount_minor) FROM payment_fees f WHERE f.payment_id = p.id), 0)",
    ) == [(0,)]
    overpaid = rows(
        ls_db,
        "SELECT count(*) FROM fee_charges c WHERE c.amount_minor < (SELECT sum(amount_minor)"
        " FROM payment_fees f WHERE f.account_id = c.account_id AND f.fee_code = c.fee_code)",
    )
    assert overpaid == [(0,)]
    inbox = dict(rows(ls_db, "SELECT outcome, count(*) FROM sms_messages GROUP BY outcome"))
    assert inbox["unmatched"] == 25 and inbox["unparsed"] == 15
    assert (
        inbox["payment"] + inbox.get("fee", 0)
        == rows(ls_db, "SELECT count(*) FROM payments WHERE kind = 'payment'")[0][0]
    )
    balance = (await ls_pay.get("/api/accounts/0001SHG/balance", headers=auth())).json()
    assert Decimal(balance["kwh"]) > 0


async def test_demo_messages_parse_back_to_their_payments(
    ls_pay: httpx.AsyncClient, ls_db: str
) -> None:
    country = _settings(ls_db).country
    add_account(ls_db, "0001SHG")
    rows(ls_db, "UPDATE accounts SET opened_at = now() - interval '3 years' RETURNING id")
    engine = make_engine(ls_db, pool_size=2)
    try:
        seed_payments(engine=engine, country=country, rng=random.Random(3))
    finally:
        engine.dispose()
    parsers = parsers_for_country(country)
    seeded = rows(
        ls_db,
        "SELECT m.sender, m.content, p.reference, p.amount_minor FROM sms_messages m"
        " JOIN payments p ON p.id = m.payment_id",
    )
    assert seeded
    for sender, content, reference, amount in seeded:
        parsed = parse_with(parsers, sender=sender, body=content).result
        assert isinstance(parsed, ParsedPayment), content
        assert (parsed.reference, parsed.amount_minor) == (reference, amount)
        assert parsed.account_candidates[0] == "0001SHG"
