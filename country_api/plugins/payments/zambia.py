"""What Airtel Money and MTN MoMo Zambia receipts share: `received K150.00 from …`.

Written from the providers' public SMS formats (help pages, published screenshots), not from
captured traffic: check them against real messages before switching Zambia's payment
automation on. Amounts are Kwacha (`K150.00`, `ZMW 1,250.00`); a balance is never the amount.
"""

from __future__ import annotations

import re

from country_api.plugins.payments.protocol import ParsedPayment, ParseResult, Rejection
from country_api.plugins.payments.text import (
    AMOUNT,
    PHONE,
    TXN_ID,
    account_candidates,
    local_datetime,
    parse_amount,
    payer_phone,
    synthetic_reference,
)

CURRENCY = "ZMW"
TIMEZONE = "Africa/Lusaka"
_KWACHA = r"(?:ZMW|ZK|K) ?"

RECEIVED = re.compile(
    r"\b(?:received|Amount:?) " + _KWACHA + r"(?P<amount>" + AMOUNT + r") from "
    r"(?P<payer>[^()]{1,80}?\(\+?[\d ]{7,16}\)|.{1,80}?)(?=\.(?: |$)| on \d|$)",
    re.IGNORECASE,
)
PAYER_PHONE = re.compile(r"(?<!\d)(?P<phone>" + PHONE + r")(?!\d)")
TRANSACTION_ID = re.compile(
    r"\b(?:Financial Transaction Id|Transaction ID|Trans(?:action)? ID|Txn ?ID|TID)"
    r" ?:? ?(?P<txn>" + TXN_ID + ")",
    re.IGNORECASE,
)
PAYER_REFERENCE = re.compile(
    r"\b(?:Reference|Ref|Message|Narration) ?: ?(?P<ref>.{1,60}?)(?=\.(?: |$)|$)", re.IGNORECASE
)
STAMP = re.compile(
    r"\bon (?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4}) (?P<clock>\d{1,2}:\d{2}(?::\d{2})?)"
)


def parse_received(*, provider: str, sender: str, text: str) -> ParseResult:
    """The payment in a normalised Zambian receipt, a rejection, or None without `received`."""
    lowered = text.lower()
    if "received" not in lowered and "amount" not in lowered:
        return None
    received = RECEIVED.search(text)
    if received is None:
        return None
    try:
        amount_minor = parse_amount(received["amount"], CURRENCY)
    except ValueError as error:
        return Rejection(f"unreadable amount: {error}")
    if amount_minor <= 0:
        return Rejection("amount is zero")
    payer = received["payer"]
    phone = PAYER_PHONE.search(payer)
    name = payer.replace(phone["phone"], " ") if phone else payer
    name = " ".join(name.replace("(", " ").replace(")", " ").replace(",", " ").split())
    txn = TRANSACTION_ID.search(text)
    reference = PAYER_REFERENCE.search(text, received.end())
    payer_reference = reference["ref"].strip() if reference else None
    stamp = STAMP.search(text)
    paid_at = (
        local_datetime(
            day=stamp["day"],
            month=stamp["month"],
            year=stamp["year"],
            clock=stamp["clock"],
            meridiem=None,
            timezone=TIMEZONE,
        )
        if stamp
        else None
    )
    return ParsedPayment(
        provider=provider,
        reference=txn["txn"]
        if txn
        else synthetic_reference(provider=provider, sender=sender, body=text),
        synthetic_reference=txn is None,
        amount_minor=amount_minor,
        currency=CURRENCY,
        payer_phone=payer_phone(phone["phone"], "ZM") if phone else None,
        payer_name=name or None,
        remark=payer_reference,
        payer_reference=payer_reference,
        account_candidates=account_candidates([payer_reference], text),
        paid_at=paid_at,
    )
