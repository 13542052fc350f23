"""Messages that are not payments, and parsers that never raise, whatever they are sent."""

from __future__ import annotations

import random

import pytest

from country_api.plugins.payments.chain import load_parsers, parse_with, parsers_for_country
from country_api.plugins.payments.protocol import ParsedPayment, Rejection
from country_api.plugins.payments.templates import compile_template
from gridcare.core.countries import load_country
from tests.country_api.plugins.payments.samples import ALL_BODIES
from tests.support.waiting import finishes_within

LS_CHAIN = parsers_for_country(load_country("LS"))
BN_CHAIN = parsers_for_country(load_country("BN"))
ALL_PARSERS = load_parsers(["mpesa_ls", "ecocash_ls", "momo_bj", "airtel_zm", "mtn_zm"])
TEMPLATES = [
    compile_template("recu {amount} FCFA de {phone}. Ref: {txn_id}. Motif: {account}"),
    compile_template("Celtiis: {amount} F recu. Code {account}", require_txn_id=False),
    compile_template("Paiement {amount}F de {*} ({phone}) {*} Message:{account} {*} ID:{txn_id}"),
    compile_template("{*} de {name} ({phone}) {*} montant {amount} {*} ref {txn_id} {*}."),
]

REJECTED = "rejected"
UNPARSED = "unparsed"
NOT_PAYMENTS = [
    (
        "LS",
        "MPESA",
        "QW12ER Confirmed. You bought M10.00 of airtime for 26650000001 on 1/1/26 "
        "at 9:00 AM. New M-Pesa balance is M90.00.",
        REJECTED,
    ),
    (
        "LS",
        "MPESA",
        "XYZ999 Confirmed. M100.00 sent to 26650000009 on 1/1/26 at 9:00 AM.",
        REJECTED,
    ),
    (
        "LS",
        "MPESA",
        "AB12CD Confirmed. on 1/1/26 at 9:00 AM M0.00 received from 26650000001.",
        REJECTED,
    ),
    ("LS", "MPESA", "Your M-Pesa balance is M500.00. Dial *111# for more.", UNPARSED),
    ("LS", "199", "EcoCash: Your wallet balance is M500.00.", REJECTED),
    ("LS", "199", "Econet: Buy 1GB for M10 today! Dial *199#", REJECTED),
    ("LS", "", "M25.00 received from 26650000002. Reference 42", UNPARSED),
    ("LS", "+26657000000", "balance 0123 mak", UNPARSED),
    ("LS", "+26657000000", "Ke lefile M50 maobane, ha ke so fumane motlakase 0252SHG", UNPARSED),
    ("BN", "MTN MoMo", "Votre solde est de 10 563 519 FCFA.", REJECTED),
    ("BN", "MTN MoMo", "Frais: 50F. Solde: 1000F", REJECTED),
    ("BN", "MTN MoMo", "Transfert de 5000 FCFA vers 22997000001 effectue. Frais 50F.", REJECTED),
    ("BN", "MTN MoMo", "Paiement 0F de X (22997000000) ID:1", REJECTED),
    ("BN", "MTN MoMo", "Transfert reussi: JEAN a recu 5000 FCFA de vous. Solde: 9F", REJECTED),
    ("BN", "MTN MoMo", "Paiement 2,5F de X (22997000000) ID:1", REJECTED),
    ("BN", "+22997000001", "Svp 500F pour 0007KOT merci", UNPARSED),
    ("BN", "+22997000001", "Mon solde est vide, svp envoyez du credit", UNPARSED),
    ("BN", "MTN", "Gagnez 1000 FCFA de bonus! Composez *880#", UNPARSED),
    ("BN", "Celtiis", "Celtiis: 700 F recu. Code 0007KOT", UNPARSED),
]
GARBAGE = ["", " ", "\n\n", "????", "0" * 40, "💡⚡ 100 🙏", "{amount}", "\x00\x01\x02", "M", "F"]


@pytest.mark.parametrize(("country", "sender", "body", "outcome"), NOT_PAYMENTS)
def test_messages_that_are_not_payments(country: str, sender: str, body: str, outcome: str) -> None:
    result = parse_with(LS_CHAIN if country == "LS" else BN_CHAIN, sender=sender, body=body).result
    expected = Rejection if outcome == REJECTED else type(None)
    assert isinstance(result, expected), result


@pytest.mark.parametrize("body", [*GARBAGE, "x" * 100_000, "M5 received from 2665000001 " * 500])
def test_garbage_and_huge_input_parse_as_nothing(body: str) -> None:
    for parser in ALL_PARSERS:
        assert parser.parse(sender="", body=body) is None
    for template in TEMPLATES:
        assert template.parse(body, provider="x", currency="XOF") is None


def _random_text(rng: random.Random) -> str:
    pieces = [
        "Confirmed.", " on 1/2/26 at 9:00 AM", "received from", "You have received", "M", "K",
        "ZMW", "Paiement", "recu", "Montant:", "FCFA", "F", "de", "Remark:", "Reference:",
        "Motif:", "Message:", "ID:", "Approval Code:", "Solde:", "Frais:", "EcoCash:", "Econet:",
        "Y'ello", "Airtel", "(", ")", "-", ".", ",", ":", "/", "\n", " ", "  ", "é", "💡",
        "0252 SHG", "229", "266", "+", "{", "}", "*",
    ]  # fmt: skip
    out = []
    for _ in range(rng.randint(0, 60)):
        if rng.random() < 0.35:
            out.append(str(rng.choice([0, 1, 25, 125, 999, 1000, 13390, 10**9])))
            out.append(rng.choice(["", ".", ",", " ", ".50", ",000", " 000"]))
        else:
            out.append(rng.choice(pieces))
    return "".join(out)


def _mutated(rng: random.Random, body: str) -> str:
    chars = list(body)
    for _ in range(rng.randint(1, 6)):
        position = rng.randrange(len(chars) + 1)
        action = rng.random()
        if action < 0.4 and position < len(chars):
            del chars[position]
        elif action < 0.8:
            chars.insert(position, rng.choice("0123456789 .,:-()MFKx\n"))
        elif position < len(chars):
            chars[position] = chars[position].swapcase()
    return "".join(chars)


def test_parse_never_raises_on_random_text() -> None:
    rng = random.Random(20261124)
    bodies = [_random_text(rng) for _ in range(1500)]
    bodies += [_mutated(rng, rng.choice(ALL_BODIES)) for _ in range(1500)]
    senders = ["", "MPESA", "199", "MTN MoMo", "MoovMoney", "AirtelMoney", "MoMo", "+26650000001"]
    payments = 0
    for body in bodies:
        sender = rng.choice(senders)
        for parser in ALL_PARSERS:
            result = parser.parse(sender=sender, body=body)
            assert result is None or isinstance(result, Rejection | ParsedPayment)
            if isinstance(result, ParsedPayment):
                payments += 1
                assert result.amount_minor > 0 and result.reference
                assert result.currency == parser.currency
        for template in TEMPLATES:
            result = template.parse(body, provider="moov", currency="XOF", country="BN")
            assert result is None or (result.amount_minor > 0 and result.reference)
    assert payments > 100, "the mutated samples should still often be payments"


def test_random_templates_compile_or_are_refused_and_never_raise_when_parsing() -> None:
    rng = random.Random(7)
    pieces = [
        *("{amount}", "{phone}", "{txn_id}", "{account}", "{name}", "{*}", "{bad}", "{", "}"),
        *("recu", " ", "FCFA", "de", ".", ":", "(", ")", "[", "\\", "?", "+", "Ref"),
    ]
    compiled = 0
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        if rng.random() < 0.7:  # mostly templates that might be valid
            text = rng.choice(["recu {amount} ", "Montant: {amount} F ", "de {*} "]) + text
        try:
            template = compile_template(text, require_txn_id=rng.random() < 0.5)
        except ValueError as error:
            assert str(error)
            continue
        compiled += 1
        for body in rng.sample(ALL_BODIES, 3):
            template.parse(body, provider="moov", currency="XOF")
    assert compiled > 50


def test_hostile_bodies_parse_in_bounded_time() -> None:
    hostile = [
        "Paiement " + "1 " * 999,
        "AB12 Confirmed. " + "M1 received from 2 " * 100,
        "You have received M1 from " + "a-" * 990,
        "Reference: " + "x " * 990,
        "Motif: " + "0252 " * 399,
        "recu 5 FCFA de " + "9 " * 990,
        "received K1 from " + "(" * 1980,
    ]

    def parse_all() -> None:
        for body in hostile:
            for parser in ALL_PARSERS:
                parser.parse(sender="199", body=body)
            for template in TEMPLATES:
                template.parse(body, provider="x", currency="XOF")

    # A guard against catastrophic backtracking (minutes), not a speed claim (see bench/).
    finishes_within(30, parse_all)
