"""Reading the ledger (payment lists, balances) and the staff actions on it."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from country_api.audit.service import record_mutation
from country_api.customers.models import Account
from country_api.payments.allocation import find_account
from country_api.payments.dead_credits import revive_dead
from country_api.payments.fees import fees_owed
from country_api.payments.ledger import credit_totals, post_payment, reverse_payment
from country_api.payments.limits import over_limit
from country_api.payments.models import (
    Balance,
    CreditOutbox,
    ManualPayment,
    Payment,
    PaymentPage,
    PaymentPublic,
)
from country_api.payments.settlement import queue_receipts
from gridcare.core.countries import CountryConfig
from gridcare.core.errors import Conflict, InvalidInput, NotFound
from gridcare.core.money import major_string, to_minor

__all__ = ["account_balance", "credit_totals", "list_payments", "record_manual_payment"]


def list_payments(
    *,
    session: Session,
    account_number: str | None = None,
    since: dt.datetime | None = None,
    page: int = 1,
    page_size: int = 50,
) -> PaymentPage:
    conditions = []
    if account_number:
        conditions.append(col(Account.account_number) == account_number.strip().upper())
    if since is not None:
        conditions.append(col(Payment.paid_at) >= since)
    reversal = aliased(Payment)
    total = session.exec(
        select(func.count())
        .select_from(Payment)
        .join(Account, col(Account.id) == col(Payment.account_id))
        .where(*conditions)
    ).one()
    rows = session.exec(
        select(Payment, Account.account_number, CreditOutbox.status, reversal.id)
        .join(Account, col(Account.id) == col(Payment.account_id))
        .outerjoin(CreditOutbox, col(CreditOutbox.payment_id) == col(Payment.id))
        .outerjoin(reversal, col(reversal.reverses_id) == col(Payment.id))
        .where(*conditions)
        .order_by(col(Payment.paid_at).desc(), col(Payment.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    items = [
        public_payment(payment, number, credit_status, reversed_by is not None)
        for payment, number, credit_status, reversed_by in rows
    ]
    return PaymentPage(items=items, total=int(total))


def public_payment(
    payment: Payment, account_number: str, credit_status: str | None, reversed_: bool
) -> PaymentPublic:
    assert payment.id is not None
    status = "reversal" if payment.kind == "reversal" else ("reversed" if reversed_ else "posted")
    return PaymentPublic(
        id=payment.id,
        account_number=account_number,
        amount=major_string(payment.amount_minor, payment.currency),
        currency=payment.currency,
        kwh=format(payment.kwh, "f"),
        rate=format(payment.rate.normalize(), "f") if payment.rate is not None else None,
        provider=payment.provider,
        reference=payment.reference,
        paid_at=payment.paid_at,
        status=status,
        credit_status=credit_status or "none",
        fee_amount=major_string(payment.fee_minor, payment.currency),
        source=payment.source,
    )


def get_payment(*, session: Session, payment_id: int) -> PaymentPublic:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"no payment {payment_id}")
    account = session.get(Account, payment.account_id)
    assert account is not None
    outbox = session.exec(
        select(CreditOutbox.status).where(CreditOutbox.payment_id == payment_id)
    ).first()
    reversed_ = session.exec(select(Payment.id).where(Payment.reverses_id == payment_id)).first()
    return public_payment(payment, account.account_number, outbox, reversed_ is not None)


def account_balance(*, session: Session, country: CountryConfig, account_number: str) -> Balance:
    account = find_account(session=session, account_number=account_number)
    if account is None or account.id is None:
        raise NotFound(f"no account {account_number.upper()!r}")
    amount_minor, kwh = credit_totals(session=session, account_id=account.id)
    debt = sum(fees_owed(session=session, account_id=account.id).values())
    return Balance(
        account_number=account.account_number,
        currency=country.currency,
        amount=major_string(amount_minor, country.currency),
        kwh=format(kwh.quantize(Decimal("0.0001")), "f"),
        fee_debt=major_string(debt, country.currency),
    )


def record_manual_payment(
    *, session: Session, country: CountryConfig, data: ManualPayment, actor: str
) -> PaymentPublic:
    account = find_account(session=session, account_number=data.account_number)
    if account is None:
        raise InvalidInput.for_field("account_number", f"no account {data.account_number!r}")
    try:
        amount_minor = to_minor(data.amount, country.currency)
    except ValueError as error:
        raise InvalidInput.for_field("amount", str(error)) from None
    if (too_much := over_limit(country, amount_minor)) is not None:
        raise InvalidInput.for_field("amount", too_much)
    paid_at = data.paid_at or dt.datetime.now(dt.UTC)
    if paid_at.tzinfo is None:
        raise InvalidInput.for_field("paid_at", "must include a timezone offset")
    reference = data.reference or f"manual-{uuid.uuid4().hex[:12]}"
    posted = post_payment(
        session=session,
        country=country,
        account=account,
        provider=data.provider,
        reference=reference,
        amount_minor=amount_minor,
        paid_at=paid_at,
        source="manual",
        recorded_by=actor,
        note=data.note,
    )
    if posted.duplicate:
        raise Conflict(
            f"{data.provider} reference {reference} is already payment {posted.payment.id}"
        )
    record_mutation(
        session=session,
        actor=actor,
        action="insert",
        table="payments",
        record_id=posted.payment.id,
        old=None,
        new=posted.payment.model_dump(exclude={"recorded_at"}),
    )
    queue_receipts(
        session=session,
        country=country,
        account=account,
        payment=posted.payment,
        reference=reference,
        exact_fee=posted.split.exact_fee if posted.split else None,
        payer_phone=None,
    )
    assert posted.payment.id is not None
    return get_payment(session=session, payment_id=posted.payment.id)


def record_reversal(*, session: Session, payment_id: int, reason: str, actor: str) -> PaymentPublic:
    reversal = reverse_payment(session=session, payment_id=payment_id, reason=reason, actor=actor)
    record_mutation(
        session=session,
        actor=actor,
        action="insert",
        table="payments",
        record_id=reversal.id,
        old=None,
        new=reversal.model_dump(exclude={"recorded_at"}),
    )
    assert reversal.id is not None
    return get_payment(session=session, payment_id=reversal.id)


def retry_dead_credits(
    *, session: Session, actor: str, payment_ids: list[int] | None = None
) -> int:
    """Dead meter credits (all, or these payments') queued again, one audit row each."""
    revived = revive_dead(session.connection(), payment_ids=payment_ids)
    for payment_id, last_error in revived:
        record_mutation(
            session=session,
            actor=actor,
            action="update",
            table="credit_outbox",
            record_id=payment_id,
            old={"status": "dead", "last_error": last_error},
            new={"status": "pending"},
        )
    return len(revived)
