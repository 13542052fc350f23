import pytest

from gridcare.core.phones import normalise_phone


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("5812 3456", "LS", "26658123456"),
        ("58-12-34-56", "LS", "26658123456"),
        ("+266 5812 3456", "LS", "26658123456"),
        ("0026658123456", "LS", "26658123456"),
        ("26658123456", "LS", "26658123456"),
        ("+27 82 123 4567", "LS", "27821234567"),
        ("97 12 34 56", "BN", "22997123456"),
        ("01 97 12 34 56", "BN", "2290197123456"),
        ("+229 01 97 12 34 56", "BN", "2290197123456"),
        ("097 1234567", "ZM", "260971234567"),
        ("", "LS", None),
        ("   ", "LS", None),
        (None, "LS", None),
    ],
)
def test_phones_become_international_digits(raw: str | None, country: str, expected: str) -> None:
    assert normalise_phone(raw, country) == expected


@pytest.mark.parametrize(
    ("raw", "country"),
    [("123", "LS"), ("5812 345", "LS"), ("58a23456", "LS"), ("+12", "LS"), ("581234567", "BN")],
)
def test_impossible_phones_are_refused_with_a_reason(raw: str, country: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        normalise_phone(raw, country)
