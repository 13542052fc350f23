from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import field_validator
from sqlalchemy import Column, DateTime, Numeric, func
from sqlmodel import Field, SQLModel

from gridcare.core.inputs import IdFilter, Instant


class Tariff(SQLModel, table=True):
    """A rate (currency major units per kWh) from `effective_from` on; rows are never edited.

    Scope: a customer override when `customer_id` is set, a site override when `site_code` is
    set, the country default when neither is.
    """

    __tablename__ = "tariffs"

    id: int | None = Field(default=None, primary_key=True)
    site_code: str | None = Field(default=None, foreign_key="sites.code", max_length=3)
    customer_id: int | None = Field(default=None, foreign_key="customers.id")
    rate_per_kwh: Decimal = Field(sa_column=Column(Numeric(14, 4), nullable=False))
    currency: str = Field(max_length=3)
    effective_from: dt.datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )
    created_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    created_by: str = Field(max_length=100)
    note: str | None = None

    @property
    def scope(self) -> str:
        if self.customer_id is not None:
            return "customer"
        return "site" if self.site_code is not None else "country"


class TariffCreate(SQLModel):
    site_code: str | None = Field(default=None, min_length=3, max_length=3)
    customer_id: IdFilter | None = None
    rate_per_kwh: Decimal = Field(gt=0, max_digits=14, decimal_places=4)
    effective_from: Instant | None = None
    """Defaults to now; must carry a timezone."""
    note: str | None = Field(default=None, max_length=500)

    @field_validator("effective_from")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a timezone offset")
        return value


class TariffPublic(SQLModel):
    id: int | None
    scope: str
    site_code: str | None
    customer_id: int | None
    rate_per_kwh: str
    currency: str
    effective_from: dt.datetime | None
    created_at: dt.datetime | None
    created_by: str
    note: str | None


class TariffView(SQLModel):
    current: TariffPublic | None
    """The rate that applies now to the asked scope (customer → site → country)."""
    history: list[TariffPublic]
