"""Settling a claimed payment: find its account, post it (or park it), say what happened.

Shared by SMS ingest, webhook posts and staff allocation (`flows.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from country_api.customers.models import Account, Customer
from country_api.messages.models import MessageKind
from country_api.messages.service import international, queue_message
from country_api.metering.models import Balance
from country_api.metering.service import summary
from country_api.payments.allocation import resolve_account
from country_api.payments.ledger import post_payment
from country_api.payments.models import Payment
from country_api.payments.receipts import receipt_languages, receipt_text
from country_api.sms.models import Outcome, SmsMessage
from country_api.sms.store import finish_message
from gridcare.core.countries import CountryConfig
from gridcare.core.money import major_string

log = logging.getLogger(__name__)
PARKED_REASON = "payment automation is off: held for staff to allocate"


@dataclass
class IngestResult:
    id: str
    outcome: str
    payment_id: int | None = None
    account_number: str | None = None
    amount: str | None = None
    currency: str | None = None
    reason: str | None = None
    message_id: int | None = None
    receipt_to: str | None = None
    receipt: str | None = None

    def public(self) -> dict[str, Any]:
        keys = ("id", "outcome", "payment_id", "account_number", "amount", "currency", "reason")
        return {key: getattr(self, key) for key in keys}


@dataclass(frozen=True)
class Claim:
    """A payment claimed by a message, before its account is known."""

    provider: str
    reference: str
    amount_minor: int
    paid_at: dt.datetime
    payer_phone: str | None
    candidates: Sequence[str]
    parsed: dict[str, Any] = field(default_factory=dict)


def settle(
    *,
    session: Session,
    country: CountryConfig,
    message_id: int,
    key: str,
    claim: Claim,
    parser: str | None,
    source: str,
) -> IngestResult:
    resolution = resolve_account(
        session=session, candidates=claim.candidates, payer_phone=claim.payer_phone
    )
    account = resolution.account
    amount = major_string(claim.amount_minor, country.currency)
    common = {"parser": parser, "parsed": claim.parsed}
    if account is None or not country.features.payment_automation:
        earlier = session.exec(
            select(Payment).where(
                Payment.provider == claim.provider, Payment.reference == claim.reference
            )
        ).first()
        if earlier is not None:
            number = _account_number(session, earlier.account_id)
            finish_message(
                session=session,
                message_id=message_id,
                outcome=Outcome.DUPLICATE,
                payment_id=earlier.id,
                account_number=number,
                **common,
            )
            return IngestResult(
                key, Outcome.DUPLICATE, earlier.id, number, amount, country.currency
            )
        outcome = Outcome.UNMATCHED if account is None else Outcome.PARKED
        reason = resolution.how if account is None else PARKED_REASON
        number = account.account_number if account is not None else None
        finish_message(
            session=session,
            message_id=message_id,
            outcome=outcome,
            reason=reason,
            account_number=number,
            **common,
        )
        return IngestResult(key, outcome, None, number, amount, country.currency, reason)
    posted = post_payment(
        session=session,
        country=country,
        account=account,
        provider=claim.provider,
        reference=claim.reference,
        amount_minor=claim.amount_minor,
        paid_at=claim.paid_at,
        source=source,
        payer_phone=claim.payer_phone,
    )
    if posted.duplicate:
        finish_message(
            session=session,
            message_id=message_id,
            outcome=Outcome.DUPLICATE,
            payment_id=posted.payment.id,
            account_number=account.account_number,
            **common,
        )
        return paid_result(key, Outcome.DUPLICATE, posted.payment, account, country)
    exact_fee = posted.split.exact_fee if posted.split else None
    outcome = Outcome.FEE if exact_fee else Outcome.PAYMENT
    receipt, receipt_to = queue_receipts(
        session=session,
        country=country,
        account=account,
        payment=posted.payment,
        reference=claim.reference,
        exact_fee=exact_fee,
        payer_phone=claim.payer_phone,
    )
    finish_message(
        session=session,
        message_id=message_id,
        outcome=outcome,
        payment_id=posted.payment.id,
        account_number=account.account_number,
        receipt=receipt,
        **common,
    )
    result = paid_result(key, outcome, posted.payment, account, country)
    result.receipt, result.receipt_to = receipt, receipt_to
    return result


def queue_receipts(
    *,
    session: Session,
    country: CountryConfig,
    account: Account,
    payment: Payment,
    reference: str,
    exact_fee: str | None,
    payer_phone: str | None,
) -> tuple[str, str | None]:
    """Queue the receipt, in the payment's unit of work (so it is never lost), to the account
    holder and to the payer when that is another phone; the holder's in their language. The
    holder's text (else the payer's) and its recipient."""
    balance = _new_balance(session, account, country)
    customer = session.get(Customer, account.customer_id)
    holder = customer.phone if customer else None
    reader = customer.language if customer else None
    recipients = [(holder, reader), (payer_phone, None)]
    seen: set[str] = set()
    first: tuple[str, str | None] | None = None
    for phone, language in recipients:
        if not phone or international(phone) in seen:
            continue
        seen.add(international(phone))
        text = receipt_text(
            country=country,
            account_number=account.account_number,
            amount_minor=payment.amount_minor,
            kwh=payment.kwh,
            reference=reference,
            exact_fee=exact_fee,
            balance_minor=balance.balance_minor if balance else None,
            balance_kwh=Decimal(balance.balance_kwh) if balance else None,
            language=language,
        )
        first = first or (text, phone)
        queue_message(
            session=session,
            to=phone,
            content=text,
            kind=MessageKind.RECEIPT,
            language=receipt_languages(country, language),
            account_id=account.id,
            account_number=account.account_number,
            customer_id=account.customer_id if phone == holder else None,
            payment_id=payment.id,
        )
    if first is None:  # nobody to send it to: the inbox still keeps the text
        text = receipt_text(
            country=country,
            account_number=account.account_number,
            amount_minor=payment.amount_minor,
            kwh=payment.kwh,
            reference=reference,
            exact_fee=exact_fee,
        )
        return text, None
    return first


def _new_balance(session: Session, account: Account, country: CountryConfig) -> Balance | None:
    """The balance after this payment, as staff see it; a receipt goes without it when it
    cannot be known (the savepoint keeps a failure here from undoing the payment)."""
    try:
        with session.begin_nested():
            return summary(
                session=session, account_number=account.account_number, country=country
            ).balance
    except Exception:  # the receipt matters more than its balance line
        log.exception("balance for the receipt of %s failed", account.account_number)
        return None


def paid_result(
    key: str, outcome: str, payment: Payment, account: Account, country: CountryConfig
) -> IngestResult:
    return IngestResult(
        id=key,
        outcome=outcome,
        payment_id=payment.id,
        account_number=account.account_number,
        amount=major_string(payment.amount_minor, payment.currency),
        currency=payment.currency,
    )


def claim_from_parsed(parsed: dict[str, Any], message: SmsMessage) -> Claim:
    paid_at_text = parsed.get("paid_at")
    paid_at = (
        dt.datetime.fromisoformat(paid_at_text)
        if paid_at_text
        else message.sms_received or message.received_at or dt.datetime.now(dt.UTC)
    )
    return Claim(
        provider=parsed["provider"],
        reference=parsed["reference"],
        amount_minor=int(parsed["amount_minor"]),
        paid_at=paid_at,
        payer_phone=parsed.get("payer_phone"),
        candidates=(),
        parsed=parsed,
    )


def _account_number(session: Session, account_id: int) -> str | None:
    account = session.get(Account, account_id)
    return account.account_number if account else None
