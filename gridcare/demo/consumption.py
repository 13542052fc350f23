"""Demo consumption from real load shapes (`bn_sam_hourly_kwh.csv.gz`, 59 Benin customers).

- Benin: the real file, column by column, on the first 59 accounts with a primary meter (SAM
  first), at its real dates: its last `BENIN_MONTHS` months (Mar 2025 - Feb 2026, UTC+1; the
  whole file loads with `gridcare import hourly-csv`). Other Benin accounts get none.
- Lesotho: the last `LESOTHO_DAYS` days for every account with a primary meter, each account
  drawing one real customer's shape (scaled 0.5-2x) from 364 days earlier (same weekday), in
  Lesotho's local time (UTC+2), so evenings peak at local evening.
- Check meters (in series with a primary) report the primary's energy with a per-meter
  calibration error (about +1 % +/- 1.5 %) and a little hourly noise.
Rows go straight into `hourly_consumption` with COPY. Runs once: any demo or imported
consumption already there means the step does nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict

from sqlalchemy import Connection, Engine, text

from country_api.imports.bulk import copy_csv
from country_api.imports.hourly_csv import REAL_FILE, HourlyTable, read_hourly_csv
from country_api.metering.partitions import ensure_partitions
from gridcare.core.countries import CountryConfig

LESOTHO_DAYS = 30
BENIN_MONTHS = 12
SOURCE_OFFSET = dt.timedelta(hours=1)
COLUMNS = ("meter_pk", "hour", "account_id", "role", "kwh", "source")


def _meters(connection: Connection) -> tuple[list[tuple[int, int]], dict[int, list[int]]]:
    """Primary (meter_pk, account_id) in account order, SAM first; check meters per account."""
    rows = connection.execute(
        text(
            """
            SELECT ma.meter_pk, ma.account_id, ma.role FROM meter_assignments ma
            JOIN accounts a ON a.id = ma.account_id
            WHERE ma.ended_at IS NULL AND ma.role IN ('primary', 'check')
            ORDER BY a.site_code <> 'SAM', a.account_number, ma.meter_pk
            """
        )
    ).all()
    primaries = [(row.meter_pk, row.account_id) for row in rows if row.role == "primary"]
    checks: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if row.role == "check":
            checks[row.account_id].append(row.meter_pk)
    return primaries, checks


def seed_consumption(*, engine: Engine, country: CountryConfig, rng: random.Random) -> None:
    if country.code not in ("BN", "LS"):
        return
    with engine.begin() as connection:
        if connection.execute(text("SELECT EXISTS (SELECT 1 FROM hourly_consumption)")).scalar():
            return
        primaries, checks = _meters(connection)
        if not primaries:
            return
        table = read_hourly_csv(REAL_FILE, utc_offset=SOURCE_OFFSET)
        if country.code == "BN":
            series = _benin(table, primaries)
        else:
            series = _lesotho(table, primaries, country, rng)
        buffer = io.StringIO()
        first, last = None, None
        for (meter_pk, account_id), hours in series:
            errors = [(pk, rng.gauss(0.01, 0.015)) for pk in checks.get(account_id, [])]
            for hour, kwh in hours:
                stamp = hour.isoformat()
                buffer.write(f"{meter_pk},{stamp},{account_id},primary,{kwh:.4f},demo\n")
                for check_pk, error in errors:
                    measured = max(0.0, kwh * (1 + error + rng.gauss(0, 0.01)))
                    buffer.write(f"{check_pk},{stamp},{account_id},check,{measured:.4f},demo\n")
            if hours:
                first = min(first or hours[0][0], hours[0][0])
                last = max(last or hours[-1][0], hours[-1][0])
        if first is None or last is None:
            return
        ensure_partitions(connection, first, last)
        copy_csv(connection, "hourly_consumption", COLUMNS, buffer.getvalue().encode())


Series = list[tuple[tuple[int, int], list[tuple[dt.datetime, float]]]]


def _benin(table: HourlyTable, primaries: list[tuple[int, int]]) -> Series:
    since = table.hours[-1] - dt.timedelta(days=round(BENIN_MONTHS * 30.44))
    return [
        (
            target,
            [
                (h, float(v))
                for h, v in zip(table.hours, column, strict=True)
                if v is not None and h > since
            ],
        )
        for target, column in zip(primaries, table.values, strict=False)
    ]


def _lesotho(
    table: HourlyTable, primaries: list[tuple[int, int]], country: CountryConfig, rng: random.Random
) -> Series:
    """Each account replays a real customer's local-time shape 364 days back, scaled."""
    local = country.meter_clock
    index = {
        hour.astimezone(dt.timezone(SOURCE_OFFSET)).replace(tzinfo=None): i
        for i, hour in enumerate(table.hours)
    }
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    hours = [now - dt.timedelta(hours=n) for n in range(LESOTHO_DAYS * 24, 0, -1)]
    sources = [
        index.get((hour.astimezone(local) - dt.timedelta(days=364)).replace(tzinfo=None))
        for hour in hours
    ]
    series: Series = []
    for target in primaries:
        column = table.values[rng.randrange(len(table.values))]
        scale = rng.uniform(0.5, 2.0)
        values = []
        for hour, source in zip(hours, sources, strict=True):
            value = column[source] if source is not None else None
            if value is not None:
                values.append((hour, float(value) * scale))
        series.append((target, values))
    return series
