"""1Meter payloads (HTTP body and raw MQTT record) turned into `IncomingReading`s.

Meters stamp readings `YYYYMMDDHHMM` in their own fixed clock (SAST, UTC+2, for Lesotho; the
country file's `meter_clock_utc_offset`); we store UTC. Raw MQTT values carry unit suffixes
(`"3.0100 kWh"`, `"230.1 V"`); the leading number is the value.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from country_api.metering.models import IncomingReading, OneMeterReading, ReadingSource
from gridcare.core.errors import InvalidInput

_LEADING_NUMBER = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)")
KWH = Decimal(1000)


def meter_time(stamp: str, clock: dt.tzinfo) -> dt.datetime:
    """`YYYYMMDDHHMM` in the meter clock → aware UTC; `InvalidInput` naming `timestamp`."""
    try:
        local = dt.datetime.strptime(stamp, "%Y%m%d%H%M")
    except ValueError:
        raise InvalidInput.for_field("timestamp", f"{stamp!r} is not YYYYMMDDHHMM") from None
    return local.replace(tzinfo=clock).astimezone(dt.UTC)


def _wh(kwh: Decimal | None) -> Decimal | None:
    return None if kwh is None else kwh * KWH


def from_http(body: Any, clock: dt.tzinfo) -> IncomingReading:
    """A validated `POST /api/meters/reading` body; `InvalidInput` names each bad field."""
    try:
        payload = OneMeterReading.model_validate(body)
    except ValidationError as error:
        fields = [
            {"field": ".".join(str(p) for p in problem["loc"]) or "body", "message": problem["msg"]}
            for problem in error.errors()
        ]
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        raise InvalidInput(message, fields=fields) from None
    return IncomingReading(
        meter_id=payload.meter_id,
        time=meter_time(payload.timestamp, clock),
        source=ReadingSource.ONEMETER_HTTP,
        energy_active_wh=_wh(payload.energy_active),
        energy_integrated_wh=_wh(payload.energy_integrated),
        power_w=payload.power_active,
        voltage_v=payload.voltage,
        current_a=payload.current,
        frequency_hz=payload.frequency,
        relay=payload.relay,
    )


def unit_value(raw: Any, field: str) -> Decimal | None:
    """`"3.0100 kWh"` → Decimal("3.0100"); None when absent."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, int | float | Decimal):
        return Decimal(str(raw))
    match = _LEADING_NUMBER.match(str(raw))
    if match is None:
        raise InvalidInput.for_field(field, f"{raw!r} does not start with a number")
    try:
        return Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        raise InvalidInput.for_field(field, f"{raw!r} is not a number") from None


def from_mqtt(record: Any, clock: dt.tzinfo) -> IncomingReading:
    """A raw telemetry record (`meterId`, `Time`, `EnergyActive` … with unit strings)."""
    if not isinstance(record, dict):
        raise InvalidInput.for_field("body", "expected a JSON object")
    meter_id = str(record.get("meterId") or "").strip()
    if not re.fullmatch(r"\d{1,12}", meter_id):
        raise InvalidInput.for_field("meterId", f"{meter_id!r} is not a meter id of digits")
    active = unit_value(record.get("EnergyActive"), "EnergyActive")
    if active is None or active < 0:
        raise InvalidInput.for_field("EnergyActive", "required, a non-negative kWh value")
    integrated = unit_value(record.get("EnergyIntegrated"), "EnergyIntegrated")
    relay = record.get("Relay")
    return IncomingReading(
        meter_id=meter_id,
        time=meter_time(str(record.get("Time") or ""), clock),
        source=ReadingSource.ONEMETER_MQTT,
        energy_active_wh=_wh(active),
        energy_integrated_wh=_wh(integrated)
        if integrated is not None and integrated >= 0
        else None,
        power_w=unit_value(record.get("PowerActive"), "PowerActive"),
        voltage_v=unit_value(record.get("Voltage"), "Voltage"),
        current_a=unit_value(record.get("Current"), "Current"),
        frequency_hz=unit_value(record.get("Frequency"), "Frequency"),
        relay=None if relay is None else str(relay)[:8],
    )
