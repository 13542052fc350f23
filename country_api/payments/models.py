from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Column, DateTime, Numeric, func
from sqlmodel import Field, SQLModel

from gridcare.core.inputs import Instant


class Payment(SQLModel, table=True):
    """One ledger entry of money for an account: a payment, or the reversal of one.

    Rows are never edited. A reversal is a row of its own with negated amounts and
    `reverses_id`; `(provider, reference)` is unique, so a provider receipt is paid once.
    `electricity_minor + fee_minor = amount_minor`; `kwh` = electricity / `rate`.
    """

    __tablename__ = "payments"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="accounts.id")
    kind: str = "payment"
    provider: str = Field(max_length=40)
    reference: str = Field(max_length=120)
    amount_minor: int
    currency: str = Field(max_length=3)
    electricity_minor: int
    fee_minor: int = 0
    kwh: Decimal = Field(default=Decimal(0), sa_column=Column(Numeric(16, 4), nullable=False))
    rate: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 4)))
    tariff_id: int | None = Field(default=None, foreign_key="tariffs.id")
    paid_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    recorded_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    source: str = Field(max_length=12)
    payer_phone: str | None = None
    reverses_id: int | None = Field(default=None, foreign_key="payments.id")
    recorded_by: str | None = None
    note: str | None = None


class FeeCharge(SQLModel, table=True):
    """A configured fee an account owes, charged once per account (at its first payment)."""

    __tablename__ = "fee_charges"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="accounts.id")
    fee_code: str
    amount_minor: int
    charged_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class PaymentFee(SQLModel, table=True):
    """The part of a payment (negative for a reversal) that went to one fee."""

    __tablename__ = "payment_fees"

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payments.id")
    account_id: int = Field(foreign_key="accounts.id")
    fee_code: str
    amount_minor: int


class CreditOutbox(SQLModel, table=True):
    """A meter credit to push, written in the payment's transaction. `pending` → `done`/`dead`."""

    __tablename__ = "credit_outbox"

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payments.id", unique=True)
    site_code: str
    platform: str
    status: str = "pending"
    attempts: int = 0
    next_attempt_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    last_error: str | None = None
    platform_reference: str | None = None
    created_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    updated_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    done_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class PaymentPublic(SQLModel):
    id: int
    account_number: str
    amount: str
    """Major units as a decimal string (`"125.50"`, `"5000"` for XOF)."""
    currency: str
    kwh: str
    rate: str | None
    provider: str
    reference: str
    paid_at: dt.datetime
    status: str
    """`posted`, `reversed` (a reversal exists) or `reversal` (this row reverses another)."""
    credit_status: str
    """`pending`, `done`, `dead`, or `none` when nothing is to be pushed."""
    fee_amount: str
    source: str


class PaymentPage(SQLModel):
    items: list[PaymentPublic]
    total: int


class ManualPayment(SQLModel):
    account_number: str = Field(min_length=4, max_length=16)
    amount: Decimal = Field(gt=0, max_digits=14)
    provider: str = Field(default="manual", min_length=1, max_length=40)
    reference: str | None = Field(default=None, min_length=1, max_length=120)
    paid_at: Instant | None = None
    note: str | None = Field(default=None, max_length=500)


class ReversalRequest(SQLModel):
    reason: str = Field(min_length=3, max_length=500)


class WebhookPayment(SQLModel):
    account_number: str | None = Field(default=None, max_length=16)
    amount: Decimal = Field(gt=0, max_digits=14)
    provider: str = Field(min_length=1, max_length=40)
    reference: str = Field(min_length=1, max_length=120)
    phone: str | None = Field(default=None, max_length=20)
    timestamp: Instant | None = None


class Balance(SQLModel):
    account_number: str
    currency: str
    amount: str
    """Money credited to electricity, major units (fees excluded), from the ledger."""
    kwh: str
    fee_debt: str
    """Configured fees still owed."""


class CreditRetryRequest(SQLModel):
    payment_ids: list[int] | None = Field(default=None, max_length=1000)
    """These payments' dead credits; every dead credit when omitted."""


class CreditRetryAnswer(SQLModel):
    revived: int
