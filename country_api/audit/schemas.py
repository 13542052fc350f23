"""What the audit API answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class MutationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    actor: str
    action: str
    table_name: str
    record_id: str
    old_values: dict[str, Any] | None
    new_values: dict[str, Any] | None
    reverted_by: int | None
    reverts: int | None


class MutationPage(BaseModel):
    items: list[MutationPublic]
    total: int
