"""Metering shapes: raw readings as they arrive, the 1Meter payloads, consumption answers.

Tables (`readings`, `hourly_consumption`, `reading_rejections`, `import_cursors`) are created
by migration 0003 and written with set-based SQL in `ingest.py` and `rollup.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class ReadingSource(StrEnum):
    ONEMETER_HTTP = "onemeter_http"
    ONEMETER_MQTT = "onemeter_mqtt"
    KOIOS = "koios"
    THUNDERCLOUD = "thundercloud"
    HOURLY_CSV = "hourly_csv"
    DEMO = "demo"


@dataclass(frozen=True)
class IncomingReading:
    """One reading, already in UTC and Wh, whichever door it came through.

    Cumulative meters (1Meter) carry `energy_active_wh` and maybe `energy_integrated_wh`;
    interval platforms (SparkMeter) carry `interval_wh`, the energy since their last reading.
    """

    meter_id: str
    time: dt.datetime
    source: ReadingSource
    energy_active_wh: Decimal | None = None
    energy_integrated_wh: Decimal | None = None
    interval_wh: Decimal | None = None
    power_w: Decimal | None = None
    voltage_v: Decimal | None = None
    current_a: Decimal | None = None
    frequency_hz: Decimal | None = None
    relay: str | None = None


@dataclass(frozen=True)
class IngestOutcome:
    meter_id: str
    status: Literal["stored", "duplicate", "rejected"]
    status_code: int = 200
    reason: str = ""
    account_number: str | None = None
    time: dt.datetime | None = None


class OneMeterReading(BaseModel):
    """`POST /api/meters/reading`: energies in kWh, power in W, time in the meter's clock."""

    meter_id: str = Field(pattern=r"^\d{1,12}$")
    timestamp: str = Field(pattern=r"^\d{12}$", description="YYYYMMDDHHMM in the meter clock")
    energy_active: Decimal = Field(ge=0)
    energy_integrated: Decimal | None = Field(default=None, ge=0)
    power_active: Decimal | None = None
    voltage: Decimal | None = None
    current: Decimal | None = None
    frequency: Decimal | None = None
    relay: str | None = Field(default=None, max_length=8)
    thing_name: str | None = None
    firmware_version: str | None = None


class IngestAnswer(BaseModel):
    status: Literal["ok", "duplicate"]
    meter_id: str
    account: str | None
    time: dt.datetime


class ConsumptionItem(BaseModel):
    period: str
    kwh: str


class ConsumptionAnswer(BaseModel):
    items: list[ConsumptionItem]
    unit: Literal["kWh"] = "kWh"


class LastReading(BaseModel):
    meter_id: str
    time: dt.datetime
    energy_kwh: str | None
    power_w: str | None
    voltage_v: str | None
    source: str


class Balance(BaseModel):
    credited_kwh: str
    consumed_kwh: str
    balance_kwh: str
    balance_minor: int
    currency: str


class MeteringSummary(BaseModel):
    account_number: str
    last_reading: LastReading | None
    consumed_kwh_total: str
    balance: Balance | None
    balance_note: str | None = None


class CheckMeterDay(BaseModel):
    day: dt.date
    account_number: str
    primary_meter: str
    check_meter: str
    primary_kwh: str
    check_kwh: str
    relative_error: str | None
    """(check - primary) / primary; None when the primary measured nothing that day."""


class CheckMeterReport(BaseModel):
    items: list[CheckMeterDay]
    unit: Literal["kWh"] = "kWh"
