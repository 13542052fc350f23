"""Phone numbers stored as international digits (`26658123456`), whatever staff typed.

Staff type local numbers (`5812 3456` in Lesotho, `01 97 12 34 56` in Benin, `097 1234567` in
Zambia) or international ones (`+266 5812 3456`, `00229…`). Local numbers get the country's
calling code; international ones are kept as they are (foreign SIMs are common near borders).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class NumberingPlan:
    calling_code: str
    national_lengths: frozenset[int]
    trunk_prefix: str = ""
    """Dialled before a national number inside the country (Zambia `0`), dropped when stored."""


PLANS: dict[str, NumberingPlan] = {
    "LS": NumberingPlan("266", frozenset({8})),
    # Benin moved from 8 to 10 digits (`01` + the old number) in 2024; both still circulate.
    "BN": NumberingPlan("229", frozenset({8, 10})),
    "BJ": NumberingPlan("229", frozenset({8, 10})),
    "ZM": NumberingPlan("260", frozenset({9}), trunk_prefix="0"),
}

_SEPARATORS = re.compile(r"[\s\-().\/]")
_INTERNATIONAL_DIGITS = range(8, 16)  # E.164 allows at most 15 digits


def normalise_phone(raw: str | None, country: str) -> str | None:
    """International digits for `raw`, None when blank; `ValueError` saying why otherwise."""
    if raw is None:
        return None
    text = _SEPARATORS.sub("", raw.strip())
    if not text:
        return None
    international = text.startswith("+") or text.startswith("00")
    digits = text[1:] if text.startswith("+") else text[2:] if text.startswith("00") else text
    if not digits.isdigit():
        raise ValueError("may contain only digits, spaces, dashes and a leading +")
    plan = PLANS.get(country.upper())
    if international:
        if len(digits) not in _INTERNATIONAL_DIGITS:
            raise ValueError("an international number has 8 to 15 digits")
        return digits
    if plan is None:
        raise ValueError(f"give the number in international form (+…) for country {country}")
    national = digits
    if plan.trunk_prefix and national.startswith(plan.trunk_prefix):
        national = national[len(plan.trunk_prefix) :]
    if len(national) in plan.national_lengths:
        return plan.calling_code + national
    rest = digits[len(plan.calling_code) :]
    if digits.startswith(plan.calling_code) and len(rest) in plan.national_lengths:
        return digits
    lengths = " or ".join(str(n) for n in sorted(plan.national_lengths))
    raise ValueError(
        f"expected a {lengths}-digit local number"
        f" or an international number (+{plan.calling_code}…)"
    )


def looks_like_phone(text: str) -> bool:
    """True for search input made of phone characters with at least three digits."""
    stripped = _SEPARATORS.sub("", text.strip()).lstrip("+")
    return len(stripped) >= 3 and stripped.isdigit()


def phone_digits(text: str) -> str:
    return re.sub(r"\D", "", text)
