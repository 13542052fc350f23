"""Whatever goes wrong while processing, the message itself is kept."""

from dataclasses import dataclass

from country_api.payments.parsers import ParserChain
from country_api.plugins.payments.protocol import ParsedPayment, ParseResult
from federation_gateway.tokens import TokenIssuer
from gridcare.core.countries import load_country
from tests.country_api.payments.factories import (
    add_account,
    client_for,
    ls_app,
    mpesa,
    post_sms,
    rows,
    sms,
)


@dataclass
class OverlongReference:
    """A parser bug: a reference longer than the ledger accepts (the insert fails)."""

    name: str = "buggy"
    currency: str = "LSL"

    def parse(self, *, sender: str, body: str) -> ParseResult:
        return ParsedPayment(
            provider="mpesa",
            reference="R" * 500,
            amount_minor=100,
            currency="LSL",
            account_candidates=("0252SHG",),
        )


async def test_a_failure_while_processing_keeps_the_message_as_unparsed(
    ls_db: str, issuer: TokenIssuer
) -> None:
    chain = ParserChain(load_country("ls"), plugins=[OverlongReference()])
    app = ls_app(ls_db, issuer, parsers=chain)
    async with client_for(app) as client:
        add_account(ls_db, "0252SHG")
        body = await post_sms(client, sms("anything at all", id="f1"))
    result = body["results"][0]
    assert result["outcome"] == "unparsed"
    assert "processing failed" in result["reason"]
    stored = rows(ls_db, "SELECT gateway_message_id, content, outcome, reason FROM sms_messages")
    assert stored[0][:3] == ("f1", "anything at all", "unparsed")
    assert "StringDataRightTruncation" in stored[0][3] or "too long" in stored[0][3]
    assert rows(ls_db, "SELECT count(*) FROM payments") == [(0,)]


async def test_a_known_format_that_is_not_a_payment_is_rejected(
    ls_db: str, issuer: TokenIssuer
) -> None:
    async with client_for(ls_app(ls_db, issuer)) as client:
        add_account(ls_db, "0252SHG")
        body = await post_sms(client, sms(mpesa("0.00", txn="ZERO0001")))
    assert body["results"][0]["outcome"] == "rejected"
    assert rows(ls_db, "SELECT outcome, reason FROM sms_messages") == [
        ("rejected", body["results"][0]["reason"])
    ]
