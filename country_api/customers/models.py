from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, DateTime, Enum, func
from sqlmodel import Field, SQLModel


def stored_as_value(enum: type[StrEnum]) -> Enum:
    """A VARCHAR column holding the enum's values (`household`), as the migrations expect.

    SQLModel's default would store member names (`HOUSEHOLD`) and break the CHECK constraints.
    """
    return Enum(
        enum,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        create_constraint=False,
        length=20,
    )


class CustomerType(StrEnum):
    HOUSEHOLD = "household"
    BUSINESS = "business"
    INSTITUTION = "institution"


class Category(StrEnum):
    """The customer category funders' reports count (beside the tariff-facing `customer_type`)."""

    HOUSEHOLD = "household"
    BUSINESS = "business"
    INSTITUTION = "institution"
    """Institution or public: schools, clinics, churches, offices."""
    PRODUCTIVE_USE = "productive_use"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


CATEGORY_OF_TYPE = {
    CustomerType.HOUSEHOLD: Category.HOUSEHOLD,
    CustomerType.BUSINESS: Category.BUSINESS,
    CustomerType.INSTITUTION: Category.INSTITUTION,
}
TYPE_OF_CATEGORY = {
    Category.HOUSEHOLD: CustomerType.HOUSEHOLD,
    Category.BUSINESS: CustomerType.BUSINESS,
    Category.INSTITUTION: CustomerType.INSTITUTION,
    Category.PRODUCTIVE_USE: CustomerType.BUSINESS,
}


class CustomerBase(SQLModel):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(default="", max_length=100)
    phone: str | None = Field(default=None, max_length=20)
    national_id: str | None = Field(default=None, max_length=40)
    customer_type: CustomerType = Field(
        default=CustomerType.HOUSEHOLD, sa_type=stored_as_value(CustomerType)
    )
    category: Category = Field(default=Category.HOUSEHOLD, sa_type=stored_as_value(Category))
    gender: Gender | None = Field(default=None, sa_type=stored_as_value(Gender))
    latitude: Decimal | None = Field(default=None, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(default=None, max_digits=9, decimal_places=6)
    village: str | None = Field(default=None, max_length=100)
    plot_number: str | None = Field(default=None, max_length=40)
    second_phone: str | None = Field(default=None, max_length=20)
    language: str | None = Field(default=None, max_length=10)
    """The language the customer reads (`st`, `en`, `fr`): their messages are in it; when
    unset, in every language of the country."""
    rooms: int | None = None
    appliances: int | None = None


class Customer(CustomerBase, table=True):
    __tablename__ = "customers"

    id: int | None = Field(default=None, primary_key=True)
    site_code: str = Field(foreign_key="sites.code", max_length=3)
    connected_at: dt.date | None = None
    terminated_at: dt.date | None = None
    active: bool = True
    import_key: str | None = Field(default=None, max_length=64)
    """Set by a bulk import: a hash of the row's identity, so re-importing creates nothing twice."""
    created_at: dt.datetime = Field(
        default=None,  # set by the database
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    updated_at: dt.datetime = Field(
        default=None,  # set by the database
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class Account(SQLModel, table=True):
    """A billing account: `NNNN` + site code, numbered per site (`0045MAK`)."""

    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    account_number: str = Field(unique=True, max_length=16)
    customer_id: int = Field(foreign_key="customers.id")
    site_code: str = Field(foreign_key="sites.code", max_length=3)
    sequence: int
    opened_at: dt.datetime = Field(
        default=None,  # set by the database
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class SiteAccountSequence(SQLModel, table=True):
    """The last account sequence handed out per site; a row lock makes numbering collision-free."""

    __tablename__ = "site_account_sequences"

    site_code: str = Field(primary_key=True, foreign_key="sites.code", max_length=3)
    last_value: int = 0
