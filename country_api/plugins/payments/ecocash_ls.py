"""Econet EcoCash Lesotho (short code 199, `EcoCash:` or `Econet:` branding).

Shapes: the M-Pesa-like `… M150.00 received from 266…` (with or without a `Confirmed.` line),
and `You have received M25 from <Name>-62000001 for 0118mat. Approval Code: MP….`, where the
`for` field is the payer's remark and the approval code the reference. Without a transaction
id or approval code the reference is synthetic (see `ParsedPayment.synthetic_reference`): an
EcoCash `Ref` is what the payer typed, the same every month, so it cannot be the key.
"""

from __future__ import annotations

import re
from dataclasses import replace

from country_api.plugins.payments import lesotho
from country_api.plugins.payments.protocol import ParseResult, Rejection
from country_api.plugins.payments.text import AMOUNT, PHONE, TXN_ID, normalise, too_long_or_empty

YOU_HAVE_RECEIVED = re.compile(
    r"\bYou have received M ?(?P<amount>" + AMOUNT + r") from (?:(?P<name>[^\d]{1,60}?) ?- ?)?"
    r"(?P<phone>" + PHONE + r")(?: for (?P<remark>[^ ]{1,40}(?: (?!Approval\b)[^ ]{1,40}){0,4}?)"
    r"(?=\.? Approval\b|\. |\.?$))?",
    re.IGNORECASE,
)
APPROVAL_CODE = re.compile(r"\bApproval Code ?: ?(?P<code>" + TXN_ID + ")", re.IGNORECASE)


class EcoCashLesotho:
    name = "ecocash_ls"
    currency = lesotho.CURRENCY

    def parse(self, *, sender: str, body: str) -> ParseResult:
        if too_long_or_empty(body):
            return None
        text = normalise(body)
        lowered = text.lower()
        direct = YOU_HAVE_RECEIVED.search(text) if "you have received" in lowered else None
        if direct is not None:
            code = APPROVAL_CODE.search(text, direct.end())
            remark = direct["remark"].rstrip(".") if direct["remark"] else None
            fields = lesotho.Fields(
                amount=direct["amount"],
                phone=direct["phone"],
                name=(direct["name"] or "").strip() or None,
                txn_id=code["code"] if code else None,
                payer_reference=None,
                remark=remark,
                paid_at=None,
            )
            return lesotho.payment(provider="ecocash", sender=sender, body=text, fields=fields)
        if not lesotho.is_ecocash(sender=sender, lowered=lowered):
            return None
        shared_shape = lesotho.received_fields(text, lowered)
        if shared_shape is None:
            return Rejection("EcoCash message that is not a received payment")
        code = APPROVAL_CODE.search(text) if shared_shape.txn_id is None else None
        if code is not None:
            shared_shape = replace(shared_shape, txn_id=code["code"])
        return lesotho.payment(provider="ecocash", sender=sender, body=text, fields=shared_shape)
