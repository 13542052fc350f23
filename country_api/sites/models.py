from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, String, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel


class Site(SQLModel, table=True):
    """A minigrid; the code ends every account. Seeded from the country file at start-up, then
    managed by superadmins in the portal: a site a person edited is never overwritten by the
    file again (`edited_at` set)."""

    __tablename__ = "sites"

    code: str = Field(primary_key=True, max_length=3)
    name: str
    meter_platform: str
    district: str | None = None
    active: bool = True
    alt_names: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(String), nullable=False, server_default="{}"),
    )
    edited_by: str | None = None
    edited_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: dt.datetime = Field(
        default=None,  # set by the database
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class SitePublic(SQLModel):
    code: str
    name: str
    meter_platform: str
    district: str | None = None
    active: bool = True
    alt_names: list[str] = []
    edited_by: str | None = None
    edited_at: dt.datetime | None = None
