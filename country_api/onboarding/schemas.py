"""What the onboarding API accepts and answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from country_api.meters.models import MeterPlatform, MeterRole

MeterId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
PLATFORM_ALIASES = {"koios": "sparkmeter", "thundercloud": "sparkmeter", "1meter": "onemeter"}


class Phase(StrEnum):
    SINGLE = "single"
    THREE = "three"


class StepPublic(BaseModel):
    step: str
    done: bool
    at: dt.datetime | None
    by: str | None = None


class OnboardingPublic(BaseModel):
    account_number: str
    stage: str
    since: dt.datetime
    steps: list[StepPublic]


class StaffStep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: str = Field(min_length=1, max_length=20)
    note: str | None = Field(default=None, max_length=500)


class CommissionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meter_id: MeterId
    platform: MeterPlatform
    """The meter's platform (`sparkmeter`, `onemeter`, …; `koios` and `thundercloud` are
    SparkMeter)."""
    role: MeterRole = MeterRole.PRIMARY
    latitude: Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
    longitude: Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
    phase: Phase | None = None
    breaker_amps: Annotated[int, Field(ge=1, le=400)] | None = None
    connection_point: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None
    ) = None
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    connected_on: dt.date | None = None
    """The connection date; today (in the country) when omitted."""

    @field_validator("platform", mode="before")
    @classmethod
    def _aliases(cls, value: Any) -> Any:
        if isinstance(value, str):
            return PLATFORM_ALIASES.get(value.strip().lower(), value.strip().lower())
        return value

    @field_validator("role")
    @classmethod
    def _primary(cls, role: MeterRole) -> MeterRole:
        if role != MeterRole.PRIMARY:
            raise ValueError("commissioning assigns the primary meter")
        return role


class CommissionPublic(BaseModel):
    account_number: str
    meter_id: str
    connected_on: dt.date
    stage: str
    platform_customer: str | None
    """`pending` when the site's platform gets the customer through the outbox, else None."""


class StageSummary(BaseModel):
    stage: str
    count: int
    oldest_since: dt.datetime | None
    longest_days: int | None
    median_days: int | None


class PipelinePublic(BaseModel):
    site_code: str
    stages: list[StageSummary]


class PipelineAccount(BaseModel):
    account_number: str
    name: str
    phone: str | None
    since: dt.datetime
    days: int


class PipelineAccounts(BaseModel):
    site_code: str
    stage: str
    items: list[PipelineAccount]


class WaitingPayment(BaseModel):
    message_id: int
    amount: str
    currency: str
    payer_phone: str | None
    reference: str | None
    received_at: dt.datetime | None
    content: str


class MeterChoice(StrEnum):
    DECOMMISSION = "decommission"
    KEEP = "keep"


class DeactivateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meters: MeterChoice
    """What happens to the account's meters: retired, or kept (unassigned) for a new customer."""
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
