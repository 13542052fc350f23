"""Hourly kWh per customer from a spreadsheet export (`hour_local,customer_01,…`), local time.

The real file `data/consumption/bn_sam_hourly_kwh.csv.gz` holds 59 customers of
Benin's SAM site in UTC+1. Columns map, in order, to the accounts of a site that have an open
primary meter (ordered by account number); a blank cell means no reading. Rows go straight
into `hourly_consumption` (COPY into staging, then upsert: importing twice changes nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from country_api.imports.bulk import copy_csv, staging_table
from country_api.metering.partitions import ensure_partitions
from gridcare.core.data import BN_SAM_HOURLY_CSV
from gridcare.core.observability import count_import_rows

REAL_FILE = BN_SAM_HOURLY_CSV


@dataclass(frozen=True)
class HourlyTable:
    """The file in memory: UTC hours and, per customer column, kWh or None."""

    hours: list[dt.datetime]
    columns: list[str]
    values: list[list[Decimal | None]]
    """values[column][row]"""


def read_hourly_csv(path: Path, *, utc_offset: dt.timedelta) -> HourlyTable:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns = header[1:]
        hours: list[dt.datetime] = []
        values: list[list[Decimal | None]] = [[] for _ in columns]
        zone = dt.timezone(utc_offset)
        for row in reader:
            hours.append(dt.datetime.fromisoformat(row[0]).replace(tzinfo=zone).astimezone(dt.UTC))
            for index, cell in enumerate(row[1:]):
                values[index].append(Decimal(cell) if cell.strip() else None)
    return HourlyTable(hours=hours, columns=columns, values=values)


@dataclass(frozen=True)
class MeterTarget:
    meter_pk: int
    account_id: int
    role: str


def primary_meters(connection: Connection, site_code: str) -> list[MeterTarget]:
    rows = connection.execute(
        text(
            """
            SELECT ma.meter_pk, ma.account_id FROM meter_assignments ma
            JOIN accounts a ON a.id = ma.account_id
            WHERE a.site_code = :site AND ma.role = 'primary' AND ma.ended_at IS NULL
            ORDER BY a.account_number
            """
        ),
        {"site": site_code},
    ).all()
    return [MeterTarget(row.meter_pk, row.account_id, "primary") for row in rows]


def hourly_rows_csv(rows: Iterator[tuple[int, dt.datetime, int, str, Decimal, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for meter_pk, hour, account_id, role, kwh, source in rows:
        writer.writerow((meter_pk, hour.isoformat(), account_id, role, kwh, source))
    return buffer.getvalue().encode()


def upsert_hourly(
    connection: Connection, data: bytes, first: dt.datetime, last: dt.datetime
) -> int:
    """COPY hourly rows (meter_pk, hour, account_id, role, kwh, source) and upsert them."""
    ensure_partitions(connection, first, last)
    staging_table(
        connection,
        "hourly_staging",
        "meter_pk bigint, hour timestamptz, account_id bigint, role text, kwh numeric, source text",
    )
    connection.execute(text("TRUNCATE hourly_staging"))
    copy_csv(
        connection,
        "hourly_staging",
        ("meter_pk", "hour", "account_id", "role", "kwh", "source"),
        data,
    )
    result = connection.execute(
        text(
            """
            INSERT INTO hourly_consumption (meter_pk, hour, account_id, role, kwh, source)
            SELECT DISTINCT ON (meter_pk, hour) meter_pk, hour, account_id, role, kwh, source
            FROM hourly_staging ORDER BY meter_pk, hour, seq DESC
            ON CONFLICT (meter_pk, hour) DO UPDATE
                SET kwh = EXCLUDED.kwh, account_id = EXCLUDED.account_id,
                    role = EXCLUDED.role, source = EXCLUDED.source
            """
        )
    )
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class HourlyCsvReport:
    columns: int
    mapped: int
    rows: int
    first: dt.datetime | None
    last: dt.datetime | None


def import_hourly_csv(
    *,
    engine: Engine,
    path: Path,
    site_code: str,
    utc_offset: dt.timedelta = dt.timedelta(hours=1),
    on_column: Callable[[int], None] | None = None,
) -> HourlyCsvReport:
    """Loads the file's columns onto the site's primary meters, one column per account."""
    table = read_hourly_csv(path, utc_offset=utc_offset)
    written = 0
    with engine.begin() as connection:
        targets = primary_meters(connection, site_code.upper())
        pairs = list(zip(table.values, targets, strict=False))
        for column, target in pairs:
            data = hourly_rows_csv(
                (target.meter_pk, hour, target.account_id, "primary", kwh, "hourly_csv")
                for hour, kwh in zip(table.hours, column, strict=True)
                if kwh is not None
            )
            stored = upsert_hourly(connection, data, table.hours[0], table.hours[-1])
            written += stored
            count_import_rows("hourly_csv", stored)
            if on_column:
                on_column(1)
    return HourlyCsvReport(
        columns=len(table.columns),
        mapped=len(pairs),
        rows=written,
        first=table.hours[0] if table.hours else None,
        last=table.hours[-1] if table.hours else None,
    )
