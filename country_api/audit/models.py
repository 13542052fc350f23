from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, DateTime, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Mutation(SQLModel, table=True):
    """One audited change: who changed which row of which table, from what, to what.

    `action` is insert, update or delete; `old_values`/`new_values` hold the changed columns
    (null for the side that did not exist). `reverted_by` points at the mutation that undid it.
    """

    __tablename__ = "mutations"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(
        default=None,  # set by the database
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    actor: str = Field(max_length=100)
    action: str = Field(max_length=10)
    table_name: str = Field(max_length=63)
    record_id: str = Field(max_length=64)
    old_values: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    new_values: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    reverted_by: int | None = Field(default=None, foreign_key="mutations.id")
    reverts: int | None = Field(default=None, foreign_key="mutations.id")
