"""The ledger: payments and reversals as rows that are never edited, and totals derived from them.

`post_payment` does everything a payment needs in the caller's transaction: account lock, fee
split, tariff, the payment row (`INSERT … ON CONFLICT (provider, reference) DO NOTHING`, so a
concurrent duplicate loses cleanly), its fee rows and its credit outbox row.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, select

from country_api.customers.models import Account, Customer
from country_api.payments.fees import Split, owed_after_charging, split_payment
from country_api.payments.limits import over_limit
from country_api.payments.models import Payment, PaymentFee
from country_api.tariffs.service import resolve_tariff
from gridcare.core.countries import CountryConfig
from gridcare.core.errors import Conflict, InvalidInput, NotFound
from gridcare.core.money import digits

KWH_PLACES = Decimal("0.0001")
INSERT_PAYMENT = text(
    """
    WITH paid AS (
        INSERT INTO payments (account_id, kind, provider, reference, amount_minor, currency,
            electricity_minor, fee_minor, kwh, rate, tariff_id, paid_at, source, payer_phone,
            recorded_by, note)
        VALUES (:account_id, :kind, :provider, :reference, :amount_minor, :currency,
            :electricity_minor, :fee_minor, :kwh, :rate, :tariff_id, :paid_at, :source,
            :payer_phone, :recorded_by, :note)
        ON CONFLICT (provider, reference) DO NOTHING
        RETURNING id
    ), fees AS (
        INSERT INTO payment_fees (payment_id, account_id, fee_code, amount_minor)
        SELECT paid.id, :account_id, fee.code, fee.amount
        FROM paid, jsonb_to_recordset(CAST(:fees AS jsonb)) AS fee(code text, amount bigint)
    ), credit AS (
        INSERT INTO credit_outbox (payment_id, site_code, platform)
        SELECT paid.id, :site_code, :platform FROM paid WHERE :push
    )
    SELECT id FROM paid
    """
)
"""The payment, its fee rows and its outbox row in one statement; nothing when already paid."""


@dataclass(frozen=True)
class Posted:
    payment: Payment
    duplicate: bool
    """True when `(provider, reference)` was already paid; `payment` is then the first one."""
    split: Split | None = None


def kwh_for(electricity_minor: int, currency: str, rate: Decimal | None) -> Decimal:
    """Energy bought: electricity portion (major units) / rate, rounded down to 0.1 Wh."""
    if rate is None or electricity_minor == 0:
        return Decimal(0).quantize(KWH_PLACES)
    major = Decimal(electricity_minor).scaleb(-digits(currency))
    return (major / rate).quantize(KWH_PLACES, rounding=ROUND_DOWN)


def post_payment(
    *,
    session: Session,
    country: CountryConfig,
    account: Account,
    provider: str,
    reference: str,
    amount_minor: int,
    paid_at: dt.datetime,
    source: str,
    payer_phone: str | None = None,
    recorded_by: str | None = None,
    note: str | None = None,
) -> Posted:
    assert account.id is not None
    if (too_much := over_limit(country, amount_minor)) is not None:
        raise InvalidInput.for_field("amount", too_much)
    owed = owed_after_charging(session=session, country=country, account_id=account.id)
    customer_id = account.customer_id
    customer = session.get(Customer, customer_id)
    connected = customer is not None and customer.connected_at is not None
    split = split_payment(
        country=country, owed=owed, amount_minor=amount_minor, connected=connected
    )
    tariff = resolve_tariff(
        session=session,
        country=country,
        site_code=account.site_code,
        customer_id=customer_id,
        at=paid_at,
    )
    rate = tariff.rate_per_kwh if tariff is not None else None
    values: dict[str, Any] = {
        "account_id": account.id,
        "kind": "payment",
        "provider": provider,
        "reference": reference,
        "amount_minor": amount_minor,
        "currency": country.currency,
        "electricity_minor": split.electricity_minor,
        "fee_minor": split.fee_minor,
        "kwh": kwh_for(split.electricity_minor, country.currency, rate),
        "rate": rate,
        "tariff_id": tariff.id if tariff is not None else None,
        "paid_at": paid_at,
        "source": source,
        "payer_phone": payer_phone,
        "recorded_by": recorded_by,
        "note": note,
    }
    push = split.electricity_minor > 0 and country.features.meter_credit
    inserted = session.execute(
        INSERT_PAYMENT,
        {
            **values,
            "fees": json.dumps([{"code": code, "amount": amount} for code, amount in split.fees]),
            "push": push,
            "site_code": account.site_code,
            "platform": country.site_platform(account.site_code),
        },
    ).scalar_one_or_none()
    if inserted is None:
        first = _by_reference(session=session, provider=provider, reference=reference)
        assert first is not None
        return Posted(payment=first, duplicate=True)
    return Posted(payment=Payment(id=inserted, **values), duplicate=False, split=split)


def reverse_payment(*, session: Session, payment_id: int, reason: str, actor: str) -> Payment:
    """A reversal row negating the payment (and its fee rows). Meter credits are not pulled back."""
    original = session.get(Payment, payment_id, with_for_update=True)
    if original is None:
        raise NotFound(f"no payment {payment_id}")
    if original.kind != "payment":
        raise Conflict(f"payment {payment_id} is itself a reversal")
    already = session.exec(select(Payment.id).where(Payment.reverses_id == payment_id)).first()
    if already is not None:
        raise Conflict(f"payment {payment_id} was already reversed by {already}")
    assert original.id is not None
    reversal = Payment(
        account_id=original.account_id,
        kind="reversal",
        provider=original.provider,
        reference=f"{original.reference}#reversal",
        amount_minor=-original.amount_minor,
        currency=original.currency,
        electricity_minor=-original.electricity_minor,
        fee_minor=-original.fee_minor,
        kwh=-original.kwh,
        rate=original.rate,
        tariff_id=original.tariff_id,
        paid_at=dt.datetime.now(dt.UTC),
        source="reversal",
        reverses_id=original.id,
        recorded_by=actor,
        note=reason,
    )
    session.add(reversal)
    session.flush()
    assert reversal.id is not None
    fee_rows = session.exec(select(PaymentFee).where(PaymentFee.payment_id == original.id))
    for fee in list(fee_rows):
        session.add(
            PaymentFee(
                payment_id=reversal.id,
                account_id=fee.account_id,
                fee_code=fee.fee_code,
                amount_minor=-fee.amount_minor,
            )
        )
    session.flush()
    return reversal


def credit_totals(*, session: Session, account_id: int) -> tuple[int, Decimal]:
    """Money credited to electricity (minor units) and kWh bought, net of reversals."""
    amount, kwh = session.exec(
        select(
            func.coalesce(func.sum(Payment.electricity_minor), 0),
            func.coalesce(func.sum(Payment.kwh), 0),
        ).where(Payment.account_id == account_id)
    ).one()
    return int(amount), Decimal(kwh)


def _by_reference(*, session: Session, provider: str, reference: str) -> Payment | None:
    return session.exec(
        select(Payment).where(Payment.provider == provider, Payment.reference == reference)
    ).first()
