"""What the meters API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from country_api.meters.models import MeterPlatform, MeterRole, MeterStatus

MeterId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class MeterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meter_id: MeterId
    account_number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=4, max_length=16)
    ]
    role: MeterRole = MeterRole.PRIMARY
    platform: MeterPlatform


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: MeterRole


class MeterPublic(BaseModel):
    meter_id: str
    platform: MeterPlatform
    status: MeterStatus
    role: MeterRole | None
    """The role on the account it is assigned to; None while unassigned."""
    account_number: str | None
    assigned_at: dt.datetime | None


class MeterPage(BaseModel):
    items: list[MeterPublic]
    total: int
