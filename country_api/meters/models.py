from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, DateTime, func
from sqlmodel import Field, SQLModel

from country_api.customers.models import stored_as_value


class MeterPlatform(StrEnum):
    SPARKMETER = "sparkmeter"
    ONEMETER = "onemeter"
    STEAMACO = "steamaco"
    LEGACY = "legacy"


class MeterRole(StrEnum):
    """`primary` bills and counts; `check` validates the primary; `backup` stands by."""

    PRIMARY = "primary"
    CHECK = "check"
    BACKUP = "backup"


class MeterStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    DECOMMISSIONED = "decommissioned"


class Meter(SQLModel, table=True):
    __tablename__ = "meters"

    id: int | None = Field(default=None, primary_key=True)
    meter_id: str = Field(unique=True, max_length=64)
    platform: MeterPlatform = Field(sa_type=stored_as_value(MeterPlatform))
    status: MeterStatus = Field(default=MeterStatus.INACTIVE, sa_type=stored_as_value(MeterStatus))
    created_at: dt.datetime = Field(
        default=None,  # set by the database
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class MeterAssignment(SQLModel, table=True):
    """A meter installed on an account for a while. Open while `ended_at` is null.

    The database allows one open assignment per meter and one open primary per account.
    """

    __tablename__ = "meter_assignments"

    id: int | None = Field(default=None, primary_key=True)
    meter_pk: int = Field(foreign_key="meters.id")
    account_id: int = Field(foreign_key="accounts.id")
    role: MeterRole = Field(sa_type=stored_as_value(MeterRole))
    started_at: dt.datetime = Field(
        default=None,  # set by the database
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    ended_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
