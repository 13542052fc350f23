"""Hourly consumption recomputed from stored readings, never patched incrementally.

The energy of a reading is what its meter measured since the meter's previous reading:
- interval platforms (SparkMeter) report that energy directly (`interval_wh`);
- 1Meter reports cumulative registers: `EnergyIntegrated` (≈0.8 Wh) is used while it has not
  gone down since the previous reading; when it has (a reboot resets it) `EnergyActive`
  (10 Wh steps) is used instead; a register that went down counts zero, never negative.
The energy lands in the UTC hour of the reading that carries it. A new reading changes its own
hour and the hour of the meter's next reading (whose "previous" it becomes), so those hours
are recomputed from the readings stored around them: duplicates, late and out-of-order
readings all give the same result as if the readings had come in order, once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, text

Span = tuple[dt.datetime, dt.datetime]
"""The earliest and latest reading times added for one meter."""

_RECOMPUTE = text(
    """
    WITH spans AS (
        SELECT s.meter_pk,
               date_trunc('hour', s.first_time, 'UTC') AS lo,
               coalesce((SELECT max(r.time) FROM readings r
                         WHERE r.meter_pk = s.meter_pk
                           AND r.time < date_trunc('hour', s.first_time, 'UTC')),
                        date_trunc('hour', s.first_time, 'UTC')) AS from_time,
               date_trunc('hour', coalesce(
                   (SELECT min(r.time) FROM readings r
                    WHERE r.meter_pk = s.meter_pk AND r.time > s.last_time),
                   s.last_time), 'UTC') + interval '1 hour' AS to_time
        FROM unnest(CAST(:meters AS bigint[]), CAST(:firsts AS timestamptz[]),
                    CAST(:lasts AS timestamptz[])) AS s(meter_pk, first_time, last_time)
    ),
    ordered AS (
        SELECT sp.lo, r.meter_pk, r.time, r.source, r.interval_wh,
               r.energy_active_wh AS active, r.energy_integrated_wh AS integrated,
               lag(r.energy_active_wh) OVER w AS prev_active,
               lag(r.energy_integrated_wh) OVER w AS prev_integrated,
               lag(r.time) OVER w AS prev_time
        FROM spans sp
        JOIN readings r ON r.meter_pk = sp.meter_pk
                       AND r.time >= sp.from_time AND r.time < sp.to_time
        WINDOW w AS (PARTITION BY r.meter_pk ORDER BY r.time)
    ),
    hours AS (
        SELECT meter_pk, date_trunc('hour', time, 'UTC') AS hour, max(source) AS source,
               sum(CASE
                   WHEN interval_wh IS NOT NULL THEN interval_wh
                   WHEN prev_time IS NULL THEN 0
                   WHEN integrated IS NOT NULL AND prev_integrated IS NOT NULL
                        AND integrated >= prev_integrated THEN integrated - prev_integrated
                   WHEN active IS NOT NULL AND prev_active IS NOT NULL
                        THEN greatest(active - prev_active, 0)
                   ELSE 0
               END) AS wh
        FROM ordered
        WHERE time >= lo
        GROUP BY meter_pk, date_trunc('hour', time, 'UTC')
    )
    INSERT INTO hourly_consumption AS hc (meter_pk, hour, account_id, role, kwh, source)
    SELECT h.meter_pk, h.hour, a.account_id, a.role, h.wh / 1000, h.source
    FROM hours h
    LEFT JOIN LATERAL (
        SELECT ma.account_id, ma.role FROM meter_assignments ma
        WHERE ma.meter_pk = h.meter_pk
          AND (ma.started_at < h.hour + interval '1 hour'
               AND (ma.ended_at IS NULL OR ma.ended_at > h.hour)
               OR NOT EXISTS (SELECT 1 FROM meter_assignments earlier
                              WHERE earlier.meter_pk = h.meter_pk
                                AND earlier.started_at < h.hour + interval '1 hour'))
        ORDER BY ma.started_at
        LIMIT 1
    ) a ON true
    ON CONFLICT (meter_pk, hour) DO UPDATE
        SET kwh = EXCLUDED.kwh, account_id = EXCLUDED.account_id,
            role = EXCLUDED.role, source = EXCLUDED.source
    """
)


def recompute_hours(connection: Connection, spans: dict[int, Span]) -> int:
    """Rewrites the hourly rows that readings added in `spans` affect; returns rows written.

    Hours before a meter's first assignment are credited to that first assignment (history
    imported for meters the system learnt about later); otherwise the assignment open during
    the hour decides the account and role.
    """
    if not spans:
        return 0
    meters = list(spans)
    result = connection.execute(
        _RECOMPUTE,
        {
            "meters": meters,
            "firsts": [spans[m][0] for m in meters],
            "lasts": [spans[m][1] for m in meters],
        },
    )
    return int(result.rowcount or 0)


def merge_spans(spans: dict[int, Span], meter_pk: int, time: dt.datetime) -> None:
    first, last = spans.get(meter_pk, (time, time))
    spans[meter_pk] = (min(first, time), max(last, time))


_REASSIGN = text(
    """
    UPDATE hourly_consumption hc SET account_id = a.account_id, role = a.role
    FROM meter_assignments a
    WHERE a.meter_pk = :meter_pk AND hc.meter_pk = a.meter_pk
      AND hc.hour >= a.started_at - interval '59 minutes'
      AND (a.ended_at IS NULL OR hc.hour < a.ended_at)
    """
)


def refresh_assignments(connection: Connection, *, meter_pk: int) -> None:
    """Re-labels a meter's hours after its assignments changed (promotion, move)."""
    connection.execute(_REASSIGN, {"meter_pk": meter_pk})
