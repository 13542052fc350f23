from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, func
from sqlmodel import Field, SQLModel


class Site(SQLModel, table=True):
    """A minigrid. Synchronised from the country file at start-up; the code ends every account."""

    __tablename__ = "sites"

    code: str = Field(primary_key=True, max_length=3)
    name: str
    meter_platform: str
    created_at: dt.datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )


class SitePublic(SQLModel):
    code: str
    name: str
    meter_platform: str
