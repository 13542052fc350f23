"""What the customers API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from country_api.customers.models import CustomerType
from gridcare.core.inputs import Day

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
OptionalName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
NationalId = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]

MAX_PAGE_SIZE = 200


class CustomerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: Name
    last_name: OptionalName = ""
    phone: str | None = Field(default=None, max_length=40)
    national_id: NationalId | None = None
    customer_type: CustomerType = CustomerType.HOUSEHOLD
    site_code: str = Field(min_length=1, max_length=10)
    connected_at: Day | None = None


class CustomerUpdate(BaseModel):
    """A partial update: only the fields sent change. Site and accounts do not change here."""

    model_config = ConfigDict(extra="forbid")

    first_name: Name | None = None
    last_name: OptionalName | None = None
    phone: str | None = Field(default=None, max_length=40)
    national_id: NationalId | None = None
    customer_type: CustomerType | None = None
    connected_at: Day | None = None


NOT_NULLABLE_UPDATES = frozenset({"first_name", "last_name", "customer_type"})


class CustomerSummary(BaseModel):
    id: int
    first_name: str
    last_name: str
    phone: str | None
    national_id: str | None
    customer_type: CustomerType
    site_code: str
    active: bool
    connected_at: dt.date | None
    terminated_at: dt.date | None
    account_numbers: list[str]


class CustomerPage(BaseModel):
    items: list[CustomerSummary]
    total: int
    page: int
    page_size: int


class AccountMeter(BaseModel):
    meter_id: str
    role: str
    platform: str
    status: str
    assigned_at: dt.datetime


class AccountPublic(BaseModel):
    account_number: str
    site_code: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    meters: list[AccountMeter]


class CustomerDetail(CustomerSummary):
    account_number: str | None
    """The customer's first open account (the one created at registration)."""
    accounts: list[AccountPublic]
    created_at: dt.datetime
    updated_at: dt.datetime
