"""What the customers API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from country_api.customers.models import Category, CustomerType, Gender
from gridcare.core.inputs import Day

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
OptionalName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
NationalId = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
PlotNumber = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Count = Annotated[int, Field(ge=0, le=1000)]
Language = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[A-Za-z]{2}$")
]
"""A two-letter language code (`st`, `en`, `fr`): the language of the customer's messages."""

MAX_PAGE_SIZE = 200


class CustomerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: Name
    last_name: OptionalName = ""
    phone: str | None = Field(default=None, max_length=40)
    national_id: NationalId | None = None
    customer_type: CustomerType | None = None
    """The tariff-facing type; derived from `category` when omitted (productive use → business)."""
    category: Category | None = None
    """For funders' reports; derived from `customer_type` when omitted."""
    site_code: str = Field(min_length=1, max_length=10)
    connected_at: Day | None = None
    gender: Gender | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    village: Text | None = None
    plot_number: PlotNumber | None = None
    second_phone: str | None = Field(default=None, max_length=40)
    language: Language | None = None
    rooms: Count | None = None
    appliances: Count | None = None


class CustomerUpdate(BaseModel):
    """A partial update: only the fields sent change. Site and accounts do not change here."""

    model_config = ConfigDict(extra="forbid")

    first_name: Name | None = None
    last_name: OptionalName | None = None
    phone: str | None = Field(default=None, max_length=40)
    national_id: NationalId | None = None
    customer_type: CustomerType | None = None
    category: Category | None = None
    connected_at: Day | None = None
    gender: Gender | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    village: Text | None = None
    plot_number: PlotNumber | None = None
    second_phone: str | None = Field(default=None, max_length=40)
    language: Language | None = None
    rooms: Count | None = None
    appliances: Count | None = None


NOT_NULLABLE_UPDATES = frozenset({"first_name", "last_name", "customer_type", "category"})


class CustomerSummary(BaseModel):
    id: int
    first_name: str
    last_name: str
    phone: str | None
    national_id: str | None
    customer_type: CustomerType
    category: Category = Category.HOUSEHOLD
    gender: Gender | None = None
    latitude: float | None = None
    longitude: float | None = None
    village: str | None = None
    plot_number: str | None = None
    second_phone: str | None = None
    language: str | None = None
    rooms: int | None = None
    appliances: int | None = None
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


class DuplicateQuery(BaseModel):
    """Who is about to be registered: checked against every site before saving."""

    model_config = ConfigDict(extra="ignore")

    first_name: OptionalName = ""
    last_name: OptionalName = ""
    phone: str | None = Field(default=None, max_length=40)
    second_phone: str | None = Field(default=None, max_length=40)
    national_id: NationalId | None = None


class DuplicateMatch(BaseModel):
    reason: str
    """`national_id` (the same national id) or `phone_and_name` (same phone, similar name)."""
    customer_id: int
    account_number: str | None
    first_name: str
    last_name: str
    phone: str | None
    national_id: str | None
    site_code: str


class DuplicateAnswer(BaseModel):
    matches: list[DuplicateMatch]


class CustomerDetail(CustomerSummary):
    account_number: str | None
    """The customer's first open account (the one created at registration)."""
    accounts: list[AccountPublic]
    created_at: dt.datetime
    updated_at: dt.datetime
    warnings: list[DuplicateMatch] = []
    """On registration: existing customers who may be the same person (saved anyway)."""


class ImportProblem(BaseModel):
    row: int
    """The spreadsheet row (the header is row 1)."""
    field: str
    message: str


class ImportedAccount(BaseModel):
    row: int
    account_number: str


class ImportReport(BaseModel):
    rows: int
    """Data rows read (blank rows left out)."""
    valid: int
    """Rows without errors (including those imported before)."""
    created: int
    """Customers created by this request (0 on a dry run or when all-or-nothing refused)."""
    skipped: int
    """Valid rows already imported before (the same person at the same site): not created again."""
    dry_run: bool
    partial: bool
    errors: list[ImportProblem]
    warnings: list[ImportProblem]
    """Possible duplicates of existing customers and ignored columns; they do not block."""
    accounts: list[ImportedAccount]
