"""What a payment parser is: raw SMS text in, a parsed payment, a rejection, or "not mine".

A parser is a class with a `name` and a `parse` method, declared under the
`gridcare.payment_parsers` entry point group and named in a country file's `payments.parsers`.
Parsers are tried in order; the first that does not answer `None` decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ParsedPayment:
    provider: str
    """Short provider name: `mpesa`, `ecocash`, `mtn_momo`, `moov`, `celtiis`, `airtel` …"""
    reference: str
    """The provider's receipt or transaction id: the idempotency key of the payment."""
    amount_minor: int
    """Amount in the currency's minor units (LSL cents; XOF has none, so francs)."""
    currency: str
    payer_phone: str | None = None
    """International digits without `+` (`26650000001`)."""
    payer_name: str | None = None
    remark: str | None = None
    """The raw remark / motif / message field, when the format has one."""
    account_candidates: tuple[str, ...] = ()
    """Normalised account tokens (`0252SHG`): the remark's first, then the rest of the body's."""
    paid_at: dt.datetime | None = None
    """When the provider says the payment happened (timezone-aware), if the SMS says."""
    payer_reference: str | None = None
    """What the payer typed in a `Reference`/`Ref` field (often an account or a bill number).

    Never the idempotency key: payers type the same reference every month."""
    synthetic_reference: bool = False
    """True when the SMS carries no provider transaction id and `reference` is a hash of the
    message (`sms:…`). Two genuine payments can produce the same text (same payer, amount and
    remark), so ingest should then key idempotency on the gateway's message id instead."""


@dataclass(frozen=True)
class Rejection:
    """The parser knows this message and it is not a payment (or not a valid one)."""

    reason: str


ParseResult = ParsedPayment | Rejection | None


class PaymentParser(Protocol):
    name: str
    currency: str

    def parse(self, *, sender: str, body: str) -> ParseResult:
        """`None` when the message is not in this parser's format."""
        ...
