from __future__ import annotations

import datetime as dt

import pytest

from country_api.plugins.payments.text import (
    account_candidates,
    local_datetime,
    normalise,
    parse_amount,
    payer_phone,
    synthetic_reference,
)


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("13,390.74", "LSL", 1_339_074),
        ("125.50", "LSL", 12_550),
        ("25", "LSL", 2_500),
        ("64525.0", "LSL", 6_452_500),
        ("1,000.00", "LSL", 100_000),
        ("1.000,50", "LSL", 100_050),
        ("1 500,5", "LSL", 150_050),
        ("10 000", "XOF", 10_000),
        ("10.000", "XOF", 10_000),
        ("10,000", "XOF", 10_000),
        ("1,500", "XOF", 1_500),
        ("10 563 519", "XOF", 10_563_519),
        ("5000", "XOF", 5_000),
        ("1,250.00", "ZMW", 125_000),
        ("0", "XOF", 0),
        ("1.505", "LSL", 150_500),  # three digits after a lone mark: thousands
    ],
)
def test_amounts_in_minor_units(text: str, currency: str, minor: int) -> None:
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency"),
    [("0,5", "XOF"), ("1,000.505", "LSL"), ("12,34,567", "XOF"), ("", "LSL"),
     ("abc", "LSL"), ("1.2.3", "LSL"), ("1" * 30, "XOF")],
)  # fmt: skip
def test_amounts_that_cannot_be_credited_exactly_are_refused(text: str, currency: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text, currency)


@pytest.mark.parametrize(
    ("raw", "country", "phone"),
    [
        ("26650000001", "LS", "26650000001"),
        ("266 50 000 007", "LS", "26650000007"),
        ("62000001", "LS", "26662000001"),
        ("+229 97 00 00 02", "BN", "22997000002"),
        ("2290100000001", "BN", "2290100000001"),
        ("0971234567", "ZM", "260971234567"),
        ("12", "LS", None),
        (None, "LS", None),
    ],
)
def test_payer_phones(raw: str | None, country: str, phone: str | None) -> None:
    assert payer_phone(raw, country) == phone


@pytest.mark.parametrize(
    ("fields", "body", "candidates"),
    [
        (["0252 SHG electricity"], "Remark: 0252 SHG electricity", ("0252SHG",)),
        (["for 0118mat"], "x", ("0118MAT",)),
        (["252 shg"], "", ("0252SHG", "252SHG")),
        (["0045MAT"], "paid 0100 KET then 0045 mat", ("0045MAT", "0100KET")),
        ([None], "on 10/4/2026 at 9:00 AM M125.50 received", ()),
        ([], "Vous avez recu 5000 FCFA de 22997000001. Montant: 2000 XOF", ()),
        ([], "You have received M150 from X-62000001 for 2026 at", ()),
        ([], "Solde:10563519F ID:12985 Approval MP260416.0953.A96450", ()),
        ([], "Paiement 10 000F de X (22997000000) Message:0002KOT", ("0002KOT",)),
    ],
)
def test_account_tokens(fields: list[str | None], body: str, candidates: tuple[str, ...]) -> None:
    assert account_candidates(fields, body) == candidates


def test_local_time_to_utc() -> None:
    stamp = local_datetime(
        day="13", month="8", year="24", clock="12:50", meridiem="PM", timezone="Africa/Maseru"
    )
    assert stamp == dt.datetime(2024, 8, 13, 10, 50, tzinfo=dt.UTC)
    midnight = local_datetime(
        day="1", month="1", year="2026", clock="12:05", meridiem="am", timezone="Africa/Maseru"
    )
    assert midnight == dt.datetime(2025, 12, 31, 22, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("day", "month", "clock", "meridiem"),
    [("32", "1", "9:00", "AM"), ("1", "13", "9:00", None), ("1", "1", "13:00", "PM"),
     ("1", "1", "25:00", None)],
)  # fmt: skip
def test_impossible_local_times_are_none(
    day: str, month: str, clock: str, meridiem: str | None
) -> None:
    time = local_datetime(
        day=day, month=month, year="2026", clock=clock, meridiem=meridiem, timezone="Africa/Maseru"
    )
    assert time is None


def test_normalise_joins_lines_and_spaces() -> None:
    assert normalise(" a\n b\r\n\tc\u00a0d\u202fe ") == "a b c d e"


def test_synthetic_reference_ignores_layout_not_content() -> None:
    one = synthetic_reference(provider="moov", sender="S", body="recu 5 F\nok")
    assert one == synthetic_reference(provider="moov", sender=" S ", body="recu 5 F ok ")
    assert one != synthetic_reference(provider="moov", sender="S", body="recu 6 F ok")
    assert one != synthetic_reference(provider="celtiis", sender="S", body="recu 5 F ok")
