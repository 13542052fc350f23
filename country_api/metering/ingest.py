"""Readings in: resolve meters, refuse what cannot be stored (logging it), store the rest once,
and recompute the hours they touch. Every door (HTTP, MQTT, imports) comes through here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from country_api.metering.models import IncomingReading, IngestOutcome, ReadingSource
from country_api.metering.partitions import ensure_partitions
from country_api.metering.rollup import Span, merge_spans, recompute_hours

log = logging.getLogger(__name__)

FUTURE_TOLERANCE = dt.timedelta(hours=12)
EARLIEST_READING = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
LIMITS = {
    "energy_active_wh": Decimal("1e12"),
    "energy_integrated_wh": Decimal("1e12"),
    "interval_wh": Decimal("1e10"),
    "power_w": Decimal("1e9"),
    "voltage_v": Decimal("1e5"),
    "current_a": Decimal("1e4"),
    "frequency_hz": Decimal("1e3"),
}
"""Magnitudes no real meter reports (and the columns cannot hold)."""
MAX_REJECTED_PAYLOAD = 4096
"""Characters of a refused reading's JSON kept in `reading_rejections` (a reading is ~300)."""


def meter_id_candidates(meter_id: str) -> list[str]:
    """1Meter ids arrive zero-padded to 12 digits; our meters may hold the short form."""
    short = meter_id.lstrip("0") or "0"
    return [meter_id] if short == meter_id else [meter_id, short]


def _meters_by_id(connection: Connection, meter_ids: set[str]) -> dict[str, tuple[int, str, str]]:
    candidates = sorted({c for meter_id in meter_ids for c in meter_id_candidates(meter_id)})
    rows = connection.execute(
        text(
            """
            SELECT m.id, m.meter_id, m.status, acc.account_number
            FROM meters m
            LEFT JOIN meter_assignments ma ON ma.meter_pk = m.id AND ma.ended_at IS NULL
            LEFT JOIN accounts acc ON acc.id = ma.account_id
            WHERE m.meter_id = ANY(:ids)
            """
        ),
        {"ids": candidates},
    ).all()
    found = {row.meter_id: (row.id, row.status, row.account_number) for row in rows}
    resolved = {}
    for meter_id in meter_ids:
        for candidate in meter_id_candidates(meter_id):
            if candidate in found:
                resolved[meter_id] = found[candidate]
                break
    return resolved


def log_rejection(
    connection: Connection,
    *,
    source: str,
    meter_id: str | None,
    status_code: int,
    reason: str,
    payload: Any,
) -> None:
    """Keeps a refused reading for review: its reason and its payload, cut to
    `MAX_REJECTED_PAYLOAD` characters of JSON (then stored as `{"truncated": true, "size",
    "head"}`), NUL characters never reaching PostgreSQL text."""
    log.warning("reading rejected (%s %s): %s", source, status_code, reason)
    connection.execute(
        text(
            "INSERT INTO reading_rejections (source, meter_id, status_code, reason, payload)"
            " VALUES (:source, :meter_id, :status_code, :reason, CAST(:payload AS jsonb))"
        ),
        {
            "source": source,
            "meter_id": meter_id.replace("\x00", "") if meter_id is not None else None,
            "status_code": status_code,
            "reason": reason.replace("\x00", "")[:MAX_REJECTED_PAYLOAD],
            "payload": stored_payload(payload),
        },
    )


def stored_payload(payload: Any) -> str:
    """`payload` as the JSON `reading_rejections.payload` keeps: as it came when small, else
    (or when it holds a NUL, which `jsonb` refuses) its first characters as text."""
    encoded = json.dumps(payload, default=str)
    if len(encoded) <= MAX_REJECTED_PAYLOAD and "\\u0000" not in encoded:
        return encoded
    return json.dumps(
        {
            "truncated": len(encoded) > MAX_REJECTED_PAYLOAD,
            "size": len(encoded),
            "head": encoded[:MAX_REJECTED_PAYLOAD],
        }
    )


_INSERT = text(
    """
    INSERT INTO readings (meter_pk, time, energy_active_wh, energy_integrated_wh, interval_wh,
                          power_w, voltage_v, current_a, frequency_hz, relay, source)
    SELECT * FROM unnest(
        CAST(:meter_pk AS bigint[]), CAST(:time AS timestamptz[]),
        CAST(:active AS numeric[]), CAST(:integrated AS numeric[]),
        CAST(:interval AS numeric[]), CAST(:power AS numeric[]), CAST(:voltage AS numeric[]),
        CAST(:current AS numeric[]), CAST(:frequency AS numeric[]), CAST(:relay AS varchar[]),
        CAST(:source AS varchar[]))
    ON CONFLICT (meter_pk, time) DO NOTHING
    RETURNING meter_pk, time
    """
)


def ingest_readings(
    connection: Connection,
    readings: Sequence[IncomingReading],
    *,
    payloads: Sequence[Any] | None = None,
    now: dt.datetime | None = None,
    log_refusals: bool = True,
) -> list[IngestOutcome]:
    """Stores `readings` (one outcome each, same order) inside the caller's transaction.

    Unknown meters are refused with 404, decommissioned ones with 409, impossible times with
    422; each refusal is logged in `reading_rejections` with its payload (`payloads[i]`, or
    the reading itself) unless `log_refusals` is off (bulk imports count them in their
    report instead). A reading already stored for that meter and time is a duplicate.
    """
    now = now or dt.datetime.now(dt.UTC)
    meters = _meters_by_id(connection, {r.meter_id for r in readings})
    outcomes: list[IngestOutcome | None] = [None] * len(readings)
    accepted: list[tuple[int, int, IncomingReading]] = []
    for index, reading in enumerate(readings):
        refusal = _refusal(reading, meters.get(reading.meter_id), now)
        if refusal is not None:
            code, reason = refusal
            if log_refusals:
                log_rejection(
                    connection,
                    source=reading.source.value,
                    meter_id=reading.meter_id,
                    status_code=code,
                    reason=reason,
                    payload=payloads[index] if payloads is not None else reading.__dict__,
                )
            outcomes[index] = IngestOutcome(reading.meter_id, "rejected", code, reason)
        else:
            accepted.append((index, meters[reading.meter_id][0], reading))
    stored = _store(connection, accepted)
    spans: dict[int, Span] = {}
    for index, meter_pk, reading in accepted:
        is_new = (meter_pk, reading.time) in stored
        stored.discard((meter_pk, reading.time))  # a repeat later in this batch is a duplicate
        if is_new:
            merge_spans(spans, meter_pk, reading.time)
        outcomes[index] = IngestOutcome(
            reading.meter_id,
            "stored" if is_new else "duplicate",
            account_number=meters[reading.meter_id][2],
            time=reading.time,
        )
    recompute_hours(connection, spans)
    return [outcome for outcome in outcomes if outcome is not None]


def _refusal(
    reading: IncomingReading, meter: tuple[int, str, str] | None, now: dt.datetime
) -> tuple[int, str] | None:
    if meter is None:
        return 404, f"unknown meter {reading.meter_id}"
    if meter[1] == "decommissioned":
        return 409, f"meter {reading.meter_id} is decommissioned"
    if reading.time > now + FUTURE_TOLERANCE:
        return 422, f"time {reading.time.isoformat()} is in the future"
    if reading.time < EARLIEST_READING:
        return 422, f"time {reading.time.isoformat()} is before {EARLIEST_READING:%Y}"
    for field, limit in LIMITS.items():
        value = getattr(reading, field)
        if value is not None and abs(value) >= limit:
            return 422, f"{field} {value} is out of range"
    return None


def _store(
    connection: Connection, accepted: list[tuple[int, int, IncomingReading]]
) -> set[tuple[int, dt.datetime]]:
    if not accepted:
        return set()
    # One row per (meter, time) in a batch: the first occurrence wins, later ones are duplicates.
    unique: dict[tuple[int, dt.datetime], IncomingReading] = {}
    for _, meter_pk, reading in accepted:
        unique.setdefault((meter_pk, reading.time), reading)
    times = [time for _, time in unique]
    ensure_partitions(connection, min(times), max(times))
    rows = list(unique.items())
    result = connection.execute(
        _INSERT,
        {
            "meter_pk": [key[0] for key, _ in rows],
            "time": [key[1] for key, _ in rows],
            "active": [r.energy_active_wh for _, r in rows],
            "integrated": [r.energy_integrated_wh for _, r in rows],
            "interval": [r.interval_wh for _, r in rows],
            "power": [r.power_w for _, r in rows],
            "voltage": [r.voltage_v for _, r in rows],
            "current": [r.current_a for _, r in rows],
            "frequency": [r.frequency_hz for _, r in rows],
            "relay": [r.relay for _, r in rows],
            "source": [r.source.value for _, r in rows],
        },
    )
    return {(row.meter_pk, row.time) for row in result}


__all__ = ["ReadingSource", "ingest_readings", "log_rejection", "meter_id_candidates"]
