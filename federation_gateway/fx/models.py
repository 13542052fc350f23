from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Column, Date, DateTime, Numeric, String, func
from sqlmodel import Field, SQLModel

XOF_PER_EUR = Decimal("655.957")
"""The CFA franc's fixed parity to the euro."""
RATE_PLACES = Decimal("1E-12")
"""Stored precision of `usd_per_unit` (12 decimal places)."""


@dataclass(frozen=True)
class MonthlyRate:
    """One month's average: 1 unit of `currency` was worth `usd_per_unit` US dollars."""

    currency: str
    month: dt.date
    usd_per_unit: Decimal
    source: str


class FxRate(SQLModel, table=True):
    __tablename__ = "fx_rates"

    currency: str = Field(sa_column=Column(String(3), primary_key=True))
    month: dt.date = Field(sa_column=Column(Date, primary_key=True))
    """First day of the calendar month."""
    usd_per_unit: Decimal = Field(sa_column=Column(Numeric(24, 12), nullable=False))
    source: str = Field(sa_column=Column(String(200), nullable=False))
    stored_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    used_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    """When a rollup first converted money with this rate; from then on it changes only forced."""

    def as_rate(self) -> MonthlyRate:
        return MonthlyRate(self.currency, self.month, self.usd_per_unit, self.source)


class FxRateChange(SQLModel, table=True):
    """A stored rate replaced by a different value (always logged; forced when it was used)."""

    __tablename__ = "fx_rate_changes"

    id: int | None = Field(default=None, primary_key=True)
    currency: str
    month: dt.date
    old_usd_per_unit: Decimal = Field(sa_column=Column(Numeric(24, 12), nullable=False))
    new_usd_per_unit: Decimal = Field(sa_column=Column(Numeric(24, 12), nullable=False))
    old_source: str
    new_source: str
    was_used: bool
    changed_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
