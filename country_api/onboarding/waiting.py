"""Unmatched payments waiting for an account that did not exist yet.

When an account is created, unmatched inbox payments whose account tokens (the remark first)
name its number are posted to it at once, audited like a staff allocation by the registering
user. Payments that match the new customer only by phone are never attached silently: they
are offered to the agent on the customer's page (`GET …/waiting-payments`) and allocated there.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, col, select

from country_api.customers.models import Account, Customer
from country_api.onboarding.schemas import WaitingPayment
from country_api.payments.flows import allocate_message
from country_api.payments.settlement import IngestResult
from country_api.sms.models import Outcome, SmsMessage
from gridcare.core.countries import CountryConfig
from gridcare.core.money import major_string

NAMING = text(
    """
    SELECT id FROM sms_messages
    WHERE outcome = 'unmatched' AND parsed IS NOT NULL
      AND parsed -> 'account_candidates' ? :number
    ORDER BY id
    """
)


def attach_waiting_payments(
    *, session: Session, country: CountryConfig, account: Account, actor: str
) -> list[IngestResult]:
    """Post every unmatched payment whose tokens name `account` to it (audited)."""
    ids = [int(row[0]) for row in session.execute(NAMING, {"number": account.account_number})]
    return [
        allocate_message(
            session=session,
            country=country,
            message_id=message_id,
            account_number=account.account_number,
            actor=actor,
        )
        for message_id in ids
    ]


def _last_digits(phone: str | None, count: int = 8) -> str | None:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-count:] if len(digits) >= count else None


def waiting_by_phone(
    *, session: Session, country: CountryConfig, customer: Customer
) -> list[WaitingPayment]:
    """Unmatched payments from the customer's phone, for the agent to allocate (or not)."""
    tail = _last_digits(customer.phone)
    if tail is None:
        return []
    rows = session.exec(
        select(SmsMessage)
        .where(
            col(SmsMessage.outcome) == Outcome.UNMATCHED,
            col(SmsMessage.parsed).is_not(None),
            text("right(regexp_replace(parsed ->> 'payer_phone', '\\D', '', 'g'), 8) = :tail"),
        )
        .params(tail=tail)
        .order_by(col(SmsMessage.id))
        .limit(50)
    )
    result = []
    for message in rows:
        parsed = message.parsed or {}
        result.append(
            WaitingPayment(
                message_id=message.id or 0,
                amount=major_string(int(parsed.get("amount_minor", 0)), country.currency),
                currency=country.currency,
                payer_phone=parsed.get("payer_phone"),
                reference=parsed.get("reference"),
                received_at=message.sms_received or message.received_at,
                content=message.content,
            )
        )
    return result
