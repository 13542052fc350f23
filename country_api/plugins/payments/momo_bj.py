"""MTN Mobile Money Benin, merchant notices in French.

Shapes: `Paiement 10F de <Name> (229…) 2026-09-27 18:43:37 Message:0001KOT Solde:…F ID:12985`,
`Vous avez recu 5000 FCFA de 229…. ID transaction: …`, and `Montant: 10 000 FCFA de … Motif: …`.

Business rules:
- Only an amount after a payment keyword (`Paiement`, `reçu`, `Montant`) is a payment: a
  balance (`Solde`) or fee (`Frais`) is never the amount, and `X a reçu 500 FCFA` (someone
  else received it) is not a payment to us.
- A message with an amount but no payment keyword (`Svp 500F pour 0007KOT merci`) is not in
  this format: `None`, so it reaches staff as `unparsed` rather than being written off.
  A `Rejection` is kept for what is recognisably an MTN notice (MTN or MoMo in the sender or
  text) without a payment: a balance, a fee, a transfer sent, a withdrawal.
- Moov and Celtiis messages (by sender or branding) are left to their operator templates, even
  when worded like MTN's.
- Without an `ID`, the reference is synthetic (see `ParsedPayment.synthetic_reference`).
"""

from __future__ import annotations

import datetime as dt
import re

from country_api.plugins.payments.protocol import ParsedPayment, ParseResult, Rejection
from country_api.plugins.payments.text import (
    AMOUNT,
    PHONE,
    TXN_ID,
    account_candidates,
    local_datetime,
    normalise,
    parse_amount,
    payer_phone,
    synthetic_reference,
    too_long_or_empty,
)

CURRENCY = "XOF"
TIMEZONE = "Africa/Porto-Novo"
_FRANCS = r" ?(?:FCFA|CFA|XOF|F)\b"

PAYMENT_KEYWORDS = [
    re.compile(r"\bPaiement (?P<amount>" + AMOUNT + ")" + _FRANCS + " de ", re.IGNORECASE),
    re.compile(
        r"(?<! a )\bre[cç]u (?:un (?:paiement|transfert|d[ée]p[oô]t) de )?(?P<amount>"
        + AMOUNT
        + ")"
        + _FRANCS,
        re.IGNORECASE,
    ),
    re.compile(r"\bMontant ?: ?(?P<amount>" + AMOUNT + ")" + _FRANCS, re.IGNORECASE),
]
NAME_AND_PHONE = re.compile(r"(?P<name>[^()]{1,80}?) ?\((?P<phone>" + PHONE + r")\)")
NAME_ONLY = re.compile(r"(?P<name>.{1,80}?)(?= Message\b| ID\b| Solde\b| 20\d\d-|\.|$)")
PHONE_AFTER_DE = re.compile(r"\bde (?P<phone>" + PHONE + ")")
BARE_BENIN_PHONE = re.compile(r"(?<![\d+])\+?229(?: ?\d){8,10}(?!\d)")
REMARK = re.compile(
    r"\b(?:Message|Motif) ?: ?(?P<remark>.{1,80}?)"
    r"(?=\.(?: |$)| Solde\b| ID\b| Frais\b| Montant\b|$)",
    re.IGNORECASE,
)
TRANSACTION_ID = re.compile(
    r"\b(?:ID(?: de)?(?: la)?(?: transaction)?|Transaction ID|Ref(?:erence)? transaction)"
    r" ?: ?(?P<txn>" + TXN_ID + ")",
    re.IGNORECASE,
)
STAMP = re.compile(r"\b(?P<date>20\d\d-\d\d-\d\d) (?P<clock>\d\d:\d\d(?::\d\d)?)\b")
OTHER_OPERATORS = ("moov", "celtiis", "flooz")
PAYMENT_WORDS = ("paiement", "recu", "reçu", "montant")
MOMO_NOTICE_WORDS = ("solde", "frais", "retrait", "transfert", "envoy")
MTN_MARKS = ("mtn", "momo", "mobile money")


class MtnMomoBenin:
    name = "momo_bj"
    currency = CURRENCY

    def parse(self, *, sender: str, body: str) -> ParseResult:
        if too_long_or_empty(body):
            return None
        text = normalise(body)
        lowered = text.lower()
        if lowered.startswith(OTHER_OPERATORS) or any(o in sender.lower() for o in OTHER_OPERATORS):
            return None
        keyword = None
        if any(word in lowered for word in PAYMENT_WORDS):
            keyword = next((m for p in PAYMENT_KEYWORDS if (m := p.search(text))), None)
        if keyword is None:
            from_mtn = any(mark in f"{sender.lower()} {lowered}" for mark in MTN_MARKS)
            if from_mtn and any(word in lowered for word in MOMO_NOTICE_WORDS):
                return Rejection("MTN MoMo notice without a received payment")
            return None
        try:
            amount_minor = parse_amount(keyword["amount"], CURRENCY)
        except ValueError as error:
            return Rejection(f"unreadable amount: {error}")
        if amount_minor <= 0:
            return Rejection("amount is zero")
        name, phone = self._payer(text, after_keyword=keyword.end())
        remark_match = REMARK.search(text) if "message" in lowered or "motif" in lowered else None
        remark = remark_match["remark"].strip() if remark_match else None
        txn = TRANSACTION_ID.search(text) if "id" in lowered or "ref" in lowered else None
        return ParsedPayment(
            provider="mtn_momo",
            reference=txn["txn"]
            if txn
            else synthetic_reference(provider="mtn_momo", sender=sender, body=text),
            synthetic_reference=txn is None,
            amount_minor=amount_minor,
            currency=CURRENCY,
            payer_phone=payer_phone(phone, "BN"),
            payer_name=name,
            remark=remark,
            account_candidates=account_candidates([remark], text),
            paid_at=self._paid_at(text),
        )

    @staticmethod
    def _payer(text: str, *, after_keyword: int) -> tuple[str | None, str | None]:
        """`de <Name> (229…)` after a `Paiement`, else `de 229…` or a bare 229 number."""
        if text[:after_keyword].rstrip().lower().endswith(" de"):
            named = NAME_AND_PHONE.match(text, after_keyword)
            if named is not None:
                return named["name"].strip() or None, named["phone"]
            name_only = NAME_ONLY.match(text, after_keyword)
            return (name_only["name"].strip() or None) if name_only else None, None
        after_de = PHONE_AFTER_DE.search(text)
        if after_de is not None:
            return None, after_de["phone"]
        bare = BARE_BENIN_PHONE.search(text)
        return None, bare[0] if bare else None

    @staticmethod
    def _paid_at(text: str) -> dt.datetime | None:
        stamp = STAMP.search(text)
        if stamp is None:
            return None
        year, month, day = stamp["date"].split("-")
        return local_datetime(
            day=day, month=month, year=year, clock=stamp["clock"], meridiem=None, timezone=TIMEZONE
        )
