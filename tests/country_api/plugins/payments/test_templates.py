from __future__ import annotations

import pytest

from country_api.plugins.payments.protocol import ParsedPayment
from country_api.plugins.payments.templates import TemplateParser, compile_template
from tests.support.waiting import finishes_within

MOOV = "recu {amount} FCFA de {phone}. Ref: {txn_id}. Motif: {account}"


def parse(template: str, body: str, **kwargs: object) -> ParsedPayment | None:
    compiled = compile_template(template, require_txn_id="{txn_id}" in template)
    return compiled.parse(body, provider="moov", currency="XOF", country="BN", **kwargs)  # type: ignore[arg-type]


def test_moov_template_reads_every_field() -> None:
    payment = parse(MOOV, "Vous avez recu 5.000 FCFA de 22961000000. Ref: MV778899. Motif: 0042SAM")
    assert payment == ParsedPayment(
        provider="moov",
        reference="MV778899",
        amount_minor=5000,
        currency="XOF",
        payer_phone="22961000000",
        remark="0042SAM",
        account_candidates=("0042SAM",),
    )


@pytest.mark.parametrize(
    "body",
    [
        "RECU 5 000 FCFA DE +229 61 00 00 00. REF:MV778899. MOTIF : 0042 sam",
        "Vous avez recu 5.000 FCFA de 22961000000.\nRef: MV778899.\nMotif: 0042SAM",
    ],
)
def test_case_spacing_and_lines_do_not_matter(body: str) -> None:
    payment = parse(MOOV, body)
    assert payment is not None
    assert (payment.amount_minor, payment.payer_phone, payment.reference) == (
        5000, "22961000000", "MV778899",
    )  # fmt: skip
    assert payment.account_candidates[0] == "0042SAM"


def test_regex_characters_in_the_template_are_literal() -> None:
    template = "Pay (x) [{amount}] F* ref.{txn_id}+"
    assert parse(template, "Pay (x) [700] F* ref.AB1+") is not None
    assert parse(template, "Pay x [700] FF ref-AB1") is None


def test_name_and_wildcards_stop_at_the_following_text() -> None:
    template = "Paiement {amount}F de {name} ({phone}) {*} ID:{txn_id}"
    body = "Paiement 10F de JEAN K. (2290100000001) 2026-09-27 Message:0001KOT Solde:9F ID:12985"
    payment = parse(template, body)
    assert payment is not None
    assert payment.payer_name == "JEAN K."
    assert payment.reference == "12985"
    assert payment.account_candidates == ("0001KOT",)


def test_without_txn_id_when_allowed_the_reference_is_synthetic() -> None:
    payment = parse("Celtiis: {amount} F recu. Code {account}", "Celtiis: 700 F recu. Code 0007KOT")
    assert payment is not None and payment.synthetic_reference
    assert payment.reference.startswith("sms:")


@pytest.mark.parametrize(
    "body",
    ["", "recu FCFA de 22961000000", "recu 0 FCFA de 22961000000. Ref: A. Motif: 0042SAM",
     "recu 0,5 FCFA de 22961000000. Ref: A. Motif: 0042SAM", "Celtiis: 700 F recu", "x" * 5000],
)  # fmt: skip
def test_messages_that_do_not_fit_are_none(body: str) -> None:
    assert parse(MOOV, body) is None


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("", "empty"),
        ("recu {amount} de {phone}", "{txn_id}"),
        ("recu {phone} Ref {txn_id}", "{amount}"),
        ("recu {amount} Ref {ref}", "unknown placeholder {ref}"),
        ("recu {Amount} Ref {txn_id}", "unknown placeholder {Amount}"),
        ("recu {amount Ref {txn_id}", "unbalanced brace"),
        ("recu {amount} Ref {txn_id} }", "unbalanced brace"),
        ("recu {amount}{txn_id}", "between them"),
        ("{amount} {txn_id}", "literal text"),
        ("a {amount} b {amount} c {txn_id}", "more than once"),
        ("a" * 400 + " {amount} {txn_id}", "longer than"),
        ("a {amount} b {txn_id}" + " {*} x" * 7, "more than 6"),
    ],
)
def test_wrong_templates_are_refused_with_a_reason(template: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("{", r"\{").replace("}", r"\}")):
        compile_template(template)


def test_parse_never_raises_even_from_a_broken_compiled_template() -> None:
    compiled = compile_template(MOOV)
    broken = compiled.__class__(text=compiled.text, pattern=compiled.pattern)
    object.__setattr__(broken, "pattern", None)  # as if corrupted after saving
    assert broken.parse("recu 5 FCFA de 22961000000", provider="moov", currency="XOF") is None
    assert compiled.parse("recu 5 FCFA", provider="moov", currency="NOPE") is None


def test_hostile_bodies_match_in_bounded_time() -> None:
    template = compile_template(
        "Paiement {amount}F de {*} ({phone}) {*} Message:{account} {*} ID:{txn_id}"
    )
    bodies = [
        "Paiement 10F de " + "( " * 900,
        ("Paiement 10F de x (22997000000) " + "Message:0001KOT " * 60)[:1999],
        "Paiement 1" + "0" * 1990,
        ("Paiement 10F de " + "a" * 250 + " ") * 7,
    ]

    def parse_all() -> list[object]:
        return [template.parse(body, provider="mtn_momo", currency="XOF") for body in bodies]

    # A guard against catastrophic backtracking (which takes minutes here), not a speed claim:
    # the bound is far above the measured worst case, so a busy machine cannot fail it.
    assert finishes_within(30, parse_all) == [None] * len(bodies)


def test_template_parser_is_a_payment_parser() -> None:
    parser = TemplateParser(
        name="template:moov", provider="moov", currency="XOF", template=compile_template(MOOV),
        country="BN",
    )  # fmt: skip
    payment = parser.parse(
        sender="MoovMoney", body="recu 5.000 FCFA de 61000000. Ref: MV1. Motif: 42 SAM"
    )
    assert isinstance(payment, ParsedPayment)
    assert payment.payer_phone == "22961000000"
    assert payment.remark == "42 SAM"  # kept for staff, though not an account token
    assert payment.account_candidates == ()


def test_free_text_before_a_space_and_a_placeholder_is_one_word() -> None:
    payment = parse(
        "Paiement {amount}F de {name} {phone} Message:{account} {*} ID:{txn_id}",
        "Paiement 10F de JEAN 22997000000 Message:0001KOT Solde:10F ID:7",
    )
    assert payment is not None
    assert (payment.payer_name, payment.remark, payment.reference) == ("JEAN", "0001KOT", "7")


def test_account_at_the_end_runs_to_the_end_of_the_sentence() -> None:
    payment = parse(MOOV, "recu 5 FCFA de 22961000000. Ref: A1. Motif: 0042 sam lumiere. Merci")
    assert payment is not None
    assert payment.remark == "0042 sam lumiere"
    assert payment.account_candidates == ("0042SAM",)
