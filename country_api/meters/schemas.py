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
    replacement_meter_id: MeterId | None = None
    """Required to demote the only primary of an active account: it becomes the primary."""
    replacement_platform: MeterPlatform | None = None
    """The replacement's platform, when it is not registered yet."""


class Decommission(BaseModel):
    model_config = ConfigDict(extra="forbid")

    replacement_meter_id: MeterId | None = None
    """Required to decommission the only primary of an active account: it takes over."""
    replacement_platform: MeterPlatform | None = None


class Replacement(BaseModel):
    """A faulty meter replaced: the new one takes its role at the same instant."""

    model_config = ConfigDict(extra="forbid")

    new_meter_id: MeterId
    platform: MeterPlatform | None = None
    """The new meter's platform; the old one's when omitted."""


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
