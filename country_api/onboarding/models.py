"""Onboarding tables: staff steps, commissioning records, platform customers, contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, DateTime, LargeBinary, Numeric, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Step(StrEnum):
    """An account's onboarding steps, in order (fee steps only where the country has the fee)."""

    REGISTERED = "registered"
    CONNECTION_FEE_PAID = "connection_fee_paid"
    READYBOARD_FEE_PAID = "readyboard_fee_paid"
    INSTALLED = "installed"
    COMMISSIONED = "commissioned"
    ACTIVE = "active"
    DISCONNECTED = "disconnected"
    DECOMMISSIONED = "decommissioned"


STAFF_STEPS = (
    Step.INSTALLED,
    Step.COMMISSIONED,
    Step.ACTIVE,
    Step.DISCONNECTED,
    Step.DECOMMISSIONED,
)
"""Steps recorded by staff actions (with who and when); the others follow from the ledger."""


def _now_column() -> Any:
    return Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class OnboardingEvent(SQLModel, table=True):
    __tablename__ = "onboarding_events"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="accounts.id")
    step: str = Field(max_length=20)
    at: dt.datetime = Field(default=None, sa_column=_now_column())
    actor: str = Field(max_length=100)
    note: str | None = None


class Commissioning(SQLModel, table=True):
    __tablename__ = "commissionings"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="accounts.id")
    meter_pk: int = Field(foreign_key="meters.id")
    latitude: Decimal = Field(sa_column=Column(Numeric(9, 6), nullable=False))
    longitude: Decimal = Field(sa_column=Column(Numeric(9, 6), nullable=False))
    phase: str | None = None
    breaker_amps: int | None = None
    connection_point: str | None = None
    notes: str | None = None
    connected_on: dt.date
    commissioned_by: str = Field(max_length=100)
    commissioned_at: dt.datetime = Field(default=None, sa_column=_now_column())


class PlatformCustomer(SQLModel, table=True):
    """A customer to create on a meter platform that keeps its own customer list."""

    __tablename__ = "platform_customer_outbox"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="accounts.id")
    platform: str = Field(max_length=40)
    site_code: str = Field(max_length=3)
    payload: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    status: str = "pending"
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(default=None, sa_column=_now_column())
    last_error: str | None = None
    platform_reference: str | None = None
    created_at: dt.datetime = Field(default=None, sa_column=_now_column())
    updated_at: dt.datetime = Field(default=None, sa_column=_now_column())
    done_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class Contract(SQLModel, table=True):
    """A signed supply contract: the PDF as signed, kept byte for byte."""

    __tablename__ = "contracts"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="accounts.id")
    language: str = Field(max_length=5)
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
    signature_png: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    signer_name: str = Field(max_length=200)
    witnessed_by: str = Field(max_length=100)
    signed_at: dt.datetime = Field(default=None, sa_column=_now_column())
