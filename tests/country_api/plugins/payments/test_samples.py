"""Every shared SMS sample through the parser chain its country configures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from babel.numbers import get_currency_precision

from country_api.plugins.payments.chain import parse_with, parsers_for_country
from country_api.plugins.payments.protocol import ParsedPayment, PaymentParser
from country_api.plugins.payments.templates import TemplateParser, compile_template
from gridcare.core.countries import load_country
from tests.country_api.plugins.payments.samples import BN_SAMPLES, LS_SAMPLES, Sample

PROVIDERS = {"momo_bj": "mtn_momo", "moov_bj": "moov"}
"""The samples' provider names (from the system this replaces) → ours."""
CHECKED = {
    "provider", "txn_id", "amount", "phone", "reference", "remark_raw", "remark_raw_contains",
    "account_candidates", "account", "account_hint", "reason", "allocation", "note", "kind",
}  # fmt: skip


def minor(amount: float, currency: str) -> int:
    return int(Decimal(str(amount)).scaleb(get_currency_precision(currency)))


def check(payment: ParsedPayment, expect: Any, currency: str) -> None:
    if not isinstance(expect, dict):
        assert payment.amount_minor == minor(expect, currency)
        return
    assert set(expect) <= CHECKED, f"sample expects something untested: {set(expect) - CHECKED}"
    assert payment.currency == currency
    if "provider" in expect:
        assert payment.provider == PROVIDERS.get(expect["provider"], expect["provider"])
    if "amount" in expect:
        assert payment.amount_minor == minor(expect["amount"], currency)
    if "txn_id" in expect:
        assert payment.reference == expect["txn_id"]
        assert not payment.synthetic_reference
    if "phone" in expect:
        assert payment.payer_phone == expect["phone"]
    if "reference" in expect:
        assert payment.payer_reference == expect["reference"]
    if "remark_raw" in expect:
        assert payment.remark == expect["remark_raw"]
    if "remark_raw_contains" in expect:
        assert payment.remark is not None and expect["remark_raw_contains"] in payment.remark
    if "account_candidates" in expect:
        assert payment.account_candidates == tuple(expect["account_candidates"])
    for key in ("account", "account_hint"):
        if key in expect:
            account = expect[key].split()[0]
            assert payment.account_candidates[0] == account
            if "remark_account" in expect[key] or expect.get("allocation") == "remark_account":
                assert payment.remark is not None and account in payment.remark.upper()
    if "reason" in expect:  # remark_candidates_not_in_db:<token>: the phone is the fallback
        assert expect["reason"].rsplit(":", 1)[1] in payment.account_candidates
        assert payment.payer_phone


LS_CHAIN = parsers_for_country(load_country("LS"))
BN_CHAIN = parsers_for_country(load_country("BN"))


@pytest.mark.parametrize("sample", LS_SAMPLES, ids=lambda s: s.id)
def test_lesotho_sample(sample: Sample) -> None:
    outcome = parse_with(LS_CHAIN, sender=sample.sender, body=sample.content)
    if sample.expect.get("kind"):
        assert not isinstance(outcome.result, ParsedPayment)
        return
    assert isinstance(outcome.result, ParsedPayment), outcome
    assert outcome.parser == {"mpesa": "mpesa_ls", "ecocash": "ecocash_ls"}.get(
        outcome.result.provider
    )
    check(outcome.result, sample.expect, "LSL")


def _template_parser(sample: Sample, template: str) -> PaymentParser:
    compiled = compile_template(template, require_txn_id="{txn_id}" in template)
    provider = PROVIDERS.get((sample.expect or {}).get("provider", ""), sample.sender.lower())
    return TemplateParser(
        name=f"template:{provider}", provider=provider, currency="XOF", template=compiled,
        country="BN",
    )  # fmt: skip


@pytest.mark.parametrize("sample", BN_SAMPLES, ids=lambda s: s.id)
def test_benin_sample_with_builtin_parsers(sample: Sample) -> None:
    outcome = parse_with(BN_CHAIN, sender=sample.sender, body=sample.content)
    if sample.expect is None:
        assert outcome.result is None, "no payment keyword: not MTN's format, left unparsed"
    elif "operator_template" in sample.raw:
        assert outcome.result is None, "Moov and Celtiis are left to their operator templates"
    else:
        assert isinstance(outcome.result, ParsedPayment), outcome
        assert outcome.parser == "momo_bj"
        check(outcome.result, sample.expect, "XOF")


OPERATOR_SAMPLES = [s for s in BN_SAMPLES if "operator_template" in s.raw]
EQUIVALENT_SAMPLES = [s for s in BN_SAMPLES if "operator_template_equivalent" in s.raw]


@pytest.mark.parametrize("sample", OPERATOR_SAMPLES, ids=lambda s: s.id)
def test_benin_operator_template_sample(sample: Sample) -> None:
    templates = [_template_parser(sample, sample.raw["operator_template"])]
    outcome = parse_with([*templates, *BN_CHAIN], sender=sample.sender, body=sample.content)
    assert isinstance(outcome.result, ParsedPayment), outcome
    assert outcome.parser == templates[0].name
    check(outcome.result, sample.expect, "XOF")


@pytest.mark.parametrize("sample", EQUIVALENT_SAMPLES, ids=lambda s: s.id)
def test_builtin_format_as_operator_template(sample: Sample) -> None:
    parser = _template_parser(sample, sample.raw["operator_template_equivalent"])
    payment = parser.parse(sender=sample.sender, body=sample.content)
    assert isinstance(payment, ParsedPayment)
    check(payment, {k: v for k, v in sample.expect.items() if k != "provider"}, "XOF")


def test_every_sample_is_covered() -> None:
    assert len(LS_SAMPLES) >= 14  # one case per message; lists of contents are expanded
    assert len(BN_SAMPLES) >= 13
    assert OPERATOR_SAMPLES and EQUIVALENT_SAMPLES


def test_reference_that_is_the_account_is_found_by_the_body_scan() -> None:
    sample = next(s for s in LS_SAMPLES if "reference_is_account" in s.name)
    payment = parse_with(LS_CHAIN, sender=sample.sender, body=sample.content).result
    assert isinstance(payment, ParsedPayment)
    assert payment.reference == "TEST000001"
    assert payment.payer_reference == "0001MAT"
    assert payment.account_candidates == ("0001MAT",)


def test_lesotho_times_are_maseru_local() -> None:
    sample = next(s for s in LS_SAMPLES if s.name.startswith("legacy_2018"))
    payment = parse_with(LS_CHAIN, sender=sample.sender, body=sample.content).result
    assert isinstance(payment, ParsedPayment) and payment.paid_at is not None
    assert payment.paid_at.isoformat() == "2018-12-09T06:59:00+00:00"  # 8:59 AM SAST
    assert payment.payer_name == "<Payer Name>"


def test_mtn_benin_stamp_is_porto_novo_local() -> None:
    sample = next(s for s in BN_SAMPLES if s.name.startswith("REAL production"))
    payment = parse_with(BN_CHAIN, sender=sample.sender, body=sample.content).result
    assert isinstance(payment, ParsedPayment) and payment.paid_at is not None
    assert payment.paid_at.isoformat() == "2026-09-27T17:43:37+00:00"
    assert payment.payer_name == "<PAYER FULL NAME>"


def test_messages_without_transaction_id_get_a_stable_synthetic_reference() -> None:
    sample = next(s for s in BN_SAMPLES if s.name == "montant_spaced_thousands")
    first = parse_with(BN_CHAIN, sender=sample.sender, body=sample.content).result
    again = parse_with(BN_CHAIN, sender=sample.sender, body=sample.content + "\n").result
    other = parse_with(BN_CHAIN, sender="other", body=sample.content).result
    assert isinstance(first, ParsedPayment) and isinstance(again, ParsedPayment)
    assert isinstance(other, ParsedPayment)
    assert first.synthetic_reference and first.reference.startswith("sms:")
    assert first.reference == again.reference != other.reference
