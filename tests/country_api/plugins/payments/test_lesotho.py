"""Lesotho shapes beyond the shared samples: variants payers and providers produce."""

from __future__ import annotations

import pytest

from country_api.plugins.payments.ecocash_ls import EcoCashLesotho
from country_api.plugins.payments.mpesa_ls import MpesaLesotho
from country_api.plugins.payments.protocol import ParsedPayment


def mpesa(body: str) -> ParsedPayment:
    payment = MpesaLesotho().parse(sender="MPESA", body=body)
    assert isinstance(payment, ParsedPayment), payment
    return payment


def ecocash(body: str) -> ParsedPayment:
    payment = EcoCashLesotho().parse(sender="199", body=body)
    assert isinstance(payment, ParsedPayment), payment
    return payment


def test_spaced_reference_is_searched_for_an_account() -> None:
    payment = mpesa("X1234 Confirmed. M10.00 received from 26650000004. Reference: 0252 SHG")
    assert payment.payer_reference == "0252 SHG"
    assert payment.account_candidates == ("0252SHG",)


def test_a_dropped_leading_zero_is_offered_padded_first() -> None:
    payment = mpesa("X1234 Confirmed. M10.00 received from 26650000004. Remark: 252 shg")
    assert payment.account_candidates == ("0252SHG", "252SHG")


def test_remark_tokens_come_before_other_tokens_of_the_body() -> None:
    payment = mpesa(
        "X1234 Confirmed. M10.00 received from 26650000004. Reference: 0100 MAT Remark: 0252SHG"
    )
    assert payment.account_candidates == ("0252SHG", "0100MAT")


@pytest.mark.parametrize(
    ("stamp", "utc"),
    [
        ("on 1/1/26 at 12:05 AM", "2025-12-31T22:05:00+00:00"),
        ("on 1/1/26 at 12:05 PM", "2026-01-01T10:05:00+00:00"),
        ("on 31/12/2026 at 23:59", "2026-12-31T21:59:00+00:00"),
        ("on 31/2/2026 at 9:00 AM", None),
    ],
)
def test_paid_at_is_converted_from_maseru_time(stamp: str, utc: str | None) -> None:
    payment = mpesa(f"X1234 Confirmed. {stamp} M10.00 received from 26650000004.")
    assert (payment.paid_at.isoformat() if payment.paid_at else None) == utc
    assert payment.amount_minor == 1000  # an impossible date does not lose the payment


def test_you_have_received_without_a_name() -> None:
    payment = ecocash("You have received M25 from 62000001 for 0118mat. Approval Code: MP1.A3.")
    assert (payment.payer_phone, payment.reference, payment.remark) == (
        "26662000001",
        "MP1.A3",
        "0118mat",
    )


def test_approval_code_in_the_received_from_shape_is_the_reference() -> None:
    payment = ecocash("EcoCash: M80.00 received from 26650000006. Approval Code: MP1.2.A3.")
    assert payment.reference == "MP1.2.A3" and not payment.synthetic_reference


def test_mpesa_leaves_ecocash_branded_confirmations_to_ecocash() -> None:
    body = "ECO9 Confirmed. on 1/1/26 at 9:00 AM\nEcoCash: M15.00 received from 26650000001."
    assert MpesaLesotho().parse(sender="", body=body) is None
    assert ecocash(body).reference == "ECO9"
