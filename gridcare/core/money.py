"""Money at the edges: integer minor units inside, decimal strings in major units outside."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from babel.numbers import get_currency_precision


@cache
def digits(currency: str) -> int:
    """Minor-unit digits babel knows for `currency` (LSL 2, XOF 0)."""
    return int(get_currency_precision(currency))


def to_minor(amount: Decimal, currency: str) -> int:
    """`amount` in major units as minor units; `ValueError` when it has too many decimals."""
    scaled = amount.scaleb(digits(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{currency} amounts have at most {digits(currency)} decimals")
    return int(scaled)


def to_major(amount_minor: int, currency: str) -> Decimal:
    places = digits(currency)
    return Decimal(amount_minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def major_string(amount_minor: int, currency: str) -> str:
    """`12550, "LSL"` → `"125.50"`; `5000, "XOF"` → `"5000"`."""
    return format(to_major(amount_minor, currency), "f")
