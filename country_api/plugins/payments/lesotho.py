"""The Lesotho confirmation shape that M-Pesa and EcoCash share.

`<TXN> Confirmed. on D/M/YY at H:MM AM M125.50 received from 266… [- Name 266…].
New … balance is M…. Reference: … Remark: …` — multi-line or on one line, with optional
`EcoCash:`/`Econet:` branding before the amount. Times are Lesotho local (Africa/Maseru).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from country_api.plugins.payments.protocol import ParsedPayment, ParseResult, Rejection
from country_api.plugins.payments.text import (
    AMOUNT,
    PHONE,
    account_candidates,
    local_datetime,
    parse_amount,
    payer_phone,
    synthetic_reference,
)

CURRENCY = "LSL"
TIMEZONE = "Africa/Maseru"

CONFIRMED = re.compile(
    r"^(?P<txn>[A-Za-z0-9]{4,30}) Confirmed\.?"
    r"(?: ?on (?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{2}(?:\d{2})?)"
    r" at (?P<clock>\d{1,2}:\d{2})(?: ?(?P<meridiem>[AaPp][Mm])\b)?)?",
)
RECEIVED = re.compile(
    r"(?:^|[ .:])M ?(?P<amount>" + AMOUNT + r") received from (?P<phone>" + PHONE + r")"
    r"(?: ?- ?(?P<name>[^\d.]{1,60}?)(?= ?\+?\d| ?\.|$))?",
    re.IGNORECASE,
)
PAYER_REFERENCE = re.compile(
    r"\bRef(?:erence)?\b\.? ?:? ?(?P<ref>[^ ]{1,40}?(?: [^ ]{1,40}?){0,3}?)\.?(?= Remark\b|\. |$)",
    re.IGNORECASE,
)
REMARK = re.compile(r"\bRemark ?: ?(?P<remark>.{1,160})$", re.IGNORECASE)
ECOCASH_SHORT_CODE = "199"


def is_ecocash(*, sender: str, lowered: str) -> bool:
    """EcoCash SMS come from short code 199 or carry `EcoCash:`/`Econet:` branding."""
    return (
        sender.strip().lstrip("+") == ECOCASH_SHORT_CODE
        or "ecocash" in lowered
        or "econet" in lowered
    )


@dataclass(frozen=True)
class Fields:
    amount: str
    phone: str | None
    name: str | None
    txn_id: str | None
    payer_reference: str | None
    remark: str | None
    paid_at: dt.datetime | None


def received_fields(text: str, lowered: str) -> Fields | None:
    """The fields of a `… received from …` confirmation in normalised text, or None.

    Substring checks on the lower-cased text skip the regular expressions that cannot match:
    most of the cost of parsing is rejecting messages quickly.
    """
    if "received from" not in lowered:
        return None
    received = RECEIVED.search(text)
    if received is None:
        return None
    confirmed = CONFIRMED.match(text)
    paid_at = None
    if confirmed is not None and confirmed["day"]:
        paid_at = local_datetime(
            day=confirmed["day"],
            month=confirmed["month"],
            year=confirmed["year"],
            clock=confirmed["clock"],
            meridiem=confirmed["meridiem"],
            timezone=TIMEZONE,
        )
    reference = PAYER_REFERENCE.search(text, received.end()) if "ref" in lowered else None
    remark = REMARK.search(text, received.end()) if "remark" in lowered else None
    return Fields(
        amount=received["amount"],
        phone=received["phone"],
        name=(received["name"] or "").strip() or None,
        txn_id=confirmed["txn"] if confirmed else None,
        payer_reference=reference["ref"] if reference else None,
        remark=remark["remark"].rstrip(" .") if remark else None,
        paid_at=paid_at,
    )


def payment(*, provider: str, sender: str, body: str, fields: Fields) -> ParseResult:
    """The payment the fields describe, or a rejection when its amount is unusable."""
    try:
        amount_minor = parse_amount(fields.amount, CURRENCY)
    except ValueError as error:
        return Rejection(f"unreadable amount: {error}")
    if amount_minor <= 0:
        return Rejection("amount is zero")
    return ParsedPayment(
        provider=provider,
        reference=fields.txn_id or synthetic_reference(provider=provider, sender=sender, body=body),
        synthetic_reference=fields.txn_id is None,
        amount_minor=amount_minor,
        currency=CURRENCY,
        payer_phone=payer_phone(fields.phone, "LS"),
        payer_name=fields.name,
        remark=fields.remark,
        payer_reference=fields.payer_reference,
        account_candidates=account_candidates([fields.remark, fields.payer_reference], body),
        paid_at=fields.paid_at,
    )
