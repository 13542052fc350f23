"""Zambian receipts, written from Airtel's and MTN's public SMS formats (not captured traffic)."""

from __future__ import annotations

import datetime as dt

import pytest

from country_api.plugins.payments.airtel_zm import AirtelMoneyZambia
from country_api.plugins.payments.chain import parse_with, parsers_for_country
from country_api.plugins.payments.mtn_zm import MtnMomoZambia
from country_api.plugins.payments.protocol import ParsedPayment, Rejection
from gridcare.core.countries import load_country

ZM_CHAIN = parsers_for_country(load_country("ZM"))

RECEIPTS = [
    pytest.param(
        "AirtelMoney",
        "You have received ZMW 150.00 from 260971234567, JOHN BANDA. Ref: 0252SHG. Your "
        "available balance is ZMW 1,250.00. Txn ID: RC240415.1032.H12345.",
        ("airtel_zm", "RC240415.1032.H12345", 15_000, "260971234567", "JOHN BANDA", ("0252SHG",)),
        id="airtel-you-have-received",
    ),
    pytest.param(
        "AirtelMoney",
        "Money received. Amount K1,250.00 from JOHN BANDA 0971234567. Trans ID: "
        "MP240416.0953.A96450. Bal: K3,400.00",
        ("airtel_zm", "MP240416.0953.A96450", 125_000, "260971234567", "JOHN BANDA", ()),
        id="airtel-money-received",
    ),
    pytest.param(
        "+260970000000",
        "Airtel Money: You have received K50.00 from 0977123456 MARY PHIRI. TID: "
        "PP240501.1200.B00001. New balance K75.50.",
        ("airtel_zm", "PP240501.1200.B00001", 5_000, "260977123456", "MARY PHIRI", ()),
        id="airtel-branded-body",
    ),
    pytest.param(
        "MoMo",
        "Y'ello. You have received K150.00 from JOHN BANDA (260961234567) on 15/04/2024 10:32. "
        "Reference: 0252SHG. Financial Transaction Id: 4528830917. New balance: K1,250.00.",
        ("mtn_zm", "4528830917", 15_000, "260961234567", "JOHN BANDA", ("0252SHG",)),
        id="mtn-yello",
    ),
    pytest.param(
        "MTN",
        "You have received ZMW 1,250.00 from MARY PHIRI (0961234567). Message: 0100 MAT. "
        "Transaction ID: 4528830999. Your new balance is ZMW 2,000.00.",
        ("mtn_zm", "4528830999", 125_000, "260961234567", "MARY PHIRI", ("0100MAT",)),
        id="mtn-message",
    ),
]


@pytest.mark.parametrize(("sender", "body", "expected"), RECEIPTS)
def test_zambian_receipts(sender: str, body: str, expected: tuple[object, ...]) -> None:
    outcome = parse_with(ZM_CHAIN, sender=sender, body=body)
    payment = outcome.result
    assert isinstance(payment, ParsedPayment)
    assert payment.currency == "ZMW" and not payment.synthetic_reference
    assert (
        outcome.parser, payment.reference, payment.amount_minor, payment.payer_phone,
        payment.payer_name, payment.account_candidates,
    ) == expected  # fmt: skip


def test_mtn_time_is_lusaka_local() -> None:
    payment = MtnMomoZambia().parse(sender="MoMo", body=RECEIPTS[3].values[1])  # type: ignore[arg-type]
    assert isinstance(payment, ParsedPayment)
    assert payment.paid_at == dt.datetime(2024, 4, 15, 8, 32, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("parser", "sender", "body"),
    [
        (AirtelMoneyZambia(), "AirtelMoney", "Your Airtel Money balance is ZMW 1,250.00."),
        (AirtelMoneyZambia(), "AirtelMoney", "You have sent K50.00 to 0977123456. TID: X1."),
        (AirtelMoneyZambia(), "Airtel", "Get 2GB for K10! Dial *117#"),
        (MtnMomoZambia(), "MoMo", "Y'ello. Your MoMo balance is K1,250.00."),
        (MtnMomoZambia(), "MTN", "You have received K0.00 from JOHN (0961234567)."),
    ],
)
def test_branded_non_payments_are_rejected(parser: object, sender: str, body: str) -> None:
    assert isinstance(parser.parse(sender=sender, body=body), Rejection)  # type: ignore[attr-defined]


def test_unbranded_receipts_are_left_alone() -> None:
    body = "You have received K150.00 from 0971234567. Ref: 0252SHG."
    assert parse_with(ZM_CHAIN, sender="+260971234567", body=body).result is None


def test_zambia_payment_automation_stays_off() -> None:
    assert load_country("ZM").features.payment_automation is False


def test_payer_names_with_initials_keep_their_phone() -> None:
    payment = MtnMomoZambia().parse(
        sender="MoMo",
        body="You have received K15.00 from J. K. BANDA (0961234567). Reference: 0252 shg. "
        "Financial Transaction Id: 45.",
    )
    assert isinstance(payment, ParsedPayment)
    assert (payment.payer_name, payment.payer_phone) == ("J. K. BANDA", "260961234567")
    assert payment.account_candidates == ("0252SHG",)
