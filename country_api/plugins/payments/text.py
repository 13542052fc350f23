"""Pieces every payment parser needs: amounts, phones, account tokens, local times, references.

Every regular expression here is bounded (no nested unbounded repetition), so a parser's cost
grows linearly with the message and a hostile SMS cannot make ingest hang.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from gridcare.core.money import digits
from gridcare.core.phones import normalise_phone

MAX_SMS_CHARS = 2_000
"""Longer bodies are not payment confirmations (a 10-part concatenated SMS is ~1,530 chars)."""

AMOUNT = (
    r"(?<![\d.,])\d{1,3}(?:[ .,]\d{3}){1,4}(?:[.,]\d{1,2})?(?!\d)"
    r"|(?<![\d.,])\d{1,12}(?:[.,]\d{1,2})?(?!\d)"
)
"""An amount as providers write it: `13,390.74`, `10 000`, `10.000`, `1,500`, `125.50`, `25`.

Use on whitespace-normalised text (see `normalise`), where spaces are single."""

PHONE = r"\+?\d(?: ?\d){6,14}"
"""A phone number, possibly spaced (`266 50 000 007`, `+229 97 00 00 02`)."""

TXN_ID = r"[A-Za-z0-9]{1,40}(?:[.\-][A-Za-z0-9]{1,40}){0,5}"
"""A provider transaction id (`TJK9XYZ1A2`, `12985`, `MP260416.0953.A96450`)."""

_ACCOUNT_TOKEN = re.compile(r"(\d{3,4}) ?([A-Za-z]{2,4})(?![A-Za-z0-9])")
"""Starts with a digit so the regex engine can skip ahead; what precedes is checked after."""
_NOT_BEFORE_ACCOUNT = frozenset("/.,-_") | frozenset("0123456789")
_NOT_SITE_CODES = frozenset(
    {
        *("AM", "PM", "AT", "ON", "TO", "FROM", "FOR", "BY", "OF", "IN", "IS", "WAS", "THE"),
        *("AND", "NEW", "BAL", "REF", "ID"),
        *("DE", "DU", "LE", "LA", "LES", "ET", "OU", "AU", "AUX", "EN", "PAR", "POUR", "SUR"),
        *("VERS", "FCFA", "CFA", "XOF", "LSL", "ZMW", "ZAR", "USD", "EUR", "KWH", "KW", "WH"),
        *("MB", "GB", "SMS", "MIN", "MINS", "HRS", "SEC", "SECS", "DAYS", "JRS"),
    }
)
"""Words that follow numbers in payment SMS (`2026 at`, `5000 FCFA`, `150 from`) and so would
look like account tokens; no site code may be one of them."""


@lru_cache(maxsize=64)
def normalise(body: str) -> str:
    """One line, single spaces: multi-line and spaced layouts parse like compact ones.

    Cached: every parser of a chain normalises the same body."""
    return " ".join(body.split())


def parse_amount(text: str, currency: str) -> int:
    """Minor units of `currency` for an amount written with any common grouping.

    A lone `.` or `,` followed by exactly three digits is a thousands separator (`10.000` XOF,
    `1,500`): providers write cents with two digits. When both appear, the last one is the
    decimal point. `ValueError` when the text is not an amount or has more decimals than the
    currency (a `0.5` XOF payment cannot be credited exactly, so it is not guessed at).
    """
    compact = "".join(text.split())
    if not compact or len(compact) > 24:
        raise ValueError(f"not an amount: {text!r}")
    if "," in compact and "." in compact:
        decimal_mark = "," if compact.rfind(",") > compact.rfind(".") else "."
    elif compact.count(",") + compact.count(".") == 1:
        mark = "," if "," in compact else "."
        decimal_mark = "" if len(compact.rsplit(mark, 1)[1]) == 3 else mark
    else:
        decimal_mark = ""
    whole, _, fraction = compact.rpartition(decimal_mark) if decimal_mark else (compact, "", "")
    groups = re.split(r"[.,]", whole)
    if not all(g.isdigit() for g in groups) or (fraction and not fraction.isdigit()):
        raise ValueError(f"not an amount: {text!r}")
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValueError(f"misplaced thousands separator in {text!r}")
    places = digits(currency)
    kept, dropped = fraction[:places], fraction[places:]
    if dropped.strip("0"):
        raise ValueError(f"{text!r} has more decimals than {currency} allows")
    scale: int = 10**places
    return int("".join(groups)) * scale + int(kept.ljust(places, "0") or "0")


def payer_phone(raw: str | None, country: str) -> str | None:
    """International digits (`26662000001` from `62000001` in Lesotho), None when unreadable."""
    if not raw:
        return None
    try:
        return normalise_phone(raw, country)
    except ValueError:
        return None


def account_candidates(fields: Iterable[str | None], body: str) -> tuple[str, ...]:
    """Account tokens (`0252 SHG` → `0252SHG`) of the payer's fields first, then the body's.

    A three-digit token is also offered padded (`252SHG` → `0252SHG` first, then `252SHG`):
    payers drop the leading zero; the allocator takes the first candidate that exists.
    """
    found: dict[str, None] = {}
    for text in (*fields, body):
        text = normalise(text or "")
        for match in _ACCOUNT_TOKEN.finditer(text):
            before = text[match.start() - 1] if match.start() else " "
            site = match[2].upper()
            if before in _NOT_BEFORE_ACCOUNT or before.isalpha() or site in _NOT_SITE_CODES:
                continue
            digits = match[1]
            found.setdefault(digits.zfill(4) + site)
            found.setdefault(digits + site)
    return tuple(found)


def synthetic_reference(*, provider: str, sender: str, body: str) -> str:
    """A stable stand-in reference for an SMS without a transaction id (see `ParsedPayment`)."""
    digest = hashlib.sha256(f"{provider}\n{sender.strip()}\n{normalise(body)}".encode())
    return "sms:" + digest.hexdigest()[:24]


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_datetime(
    *,
    day: str,
    month: str,
    year: str,
    clock: str,
    meridiem: str | None,
    timezone: str,
) -> dt.datetime | None:
    """UTC time of a provider's local `D/M/YY H:MM AM` (or 24-hour) stamp; None if impossible."""
    try:
        hour_text, minute_text, *rest = clock.split(":")
        hour, minute = int(hour_text), int(minute_text)
        second = int(rest[0]) if rest else 0
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        if meridiem:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if meridiem.upper() == "PM" else 0)
        local = dt.datetime(full_year, int(month), int(day), hour, minute, second)
    except ValueError:
        return None
    return local.replace(tzinfo=_zone(timezone)).astimezone(dt.UTC)


def too_long_or_empty(body: str) -> bool:
    return len(body) > MAX_SMS_CHARS or not body or body.isspace()
