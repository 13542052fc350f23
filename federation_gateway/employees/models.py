from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, DateTime, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Employee(SQLModel, table=True):
    """A staff member. `roles` maps upper-case country codes to role names: {"LS": "finance"}."""

    __tablename__ = "employees"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    """Stored lower-case: log-ins are case-insensitive."""
    password_hash: str
    display_name: str = ""
    roles: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    active: bool = True
    created_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    updated_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class EmployeePublic(SQLModel):
    username: str
    display_name: str
    roles: dict[str, str]
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, employee: Employee) -> EmployeePublic:
        return cls.model_validate(employee, from_attributes=True)


def as_dict(employee: Employee) -> dict[str, Any]:
    return EmployeePublic.of(employee).model_dump(mode="json")
