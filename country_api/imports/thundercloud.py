"""ThunderCloud parquet history (`year=YYYY/month=MM/day=DD/…_reading.parquet`) into readings.

Files are read in path order, in pyarrow batches; each batch is COPYed into a staging table
and upserted into `readings` (a later file's value for the same meter and time overwrites an
earlier one). `kilowatt_hours` is the energy of the interval ending at `timestamp` (UTC when
the file carries no zone). Readings of unknown meters and readings above `MAX_READING_KWH`
are dropped and counted; the hours touched are recomputed once at the end.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, text

from country_api.imports.bulk import copy_csv, staging_table
from country_api.metering.partitions import ensure_partitions
from country_api.metering.rollup import recompute_hours
from gridcare.core.observability import count_import_rows

MAX_READING_KWH = 100
BATCH_ROWS = 250_000
TIME_COLUMNS = ("timestamp", "reading_time", "datetime", "date")


@dataclass
class ParquetReport:
    files: int = 0
    rows: int = 0
    stored: int = 0
    unknown_meters: set[str] = field(default_factory=set)
    unknown_rows: int = 0
    out_of_bounds: int = 0
    hours_written: int = 0


def parquet_files(root: Path) -> list[Path]:
    """Every `*.parquet` under `root` (or `root` itself), in path (= date) order."""
    return [root] if root.is_file() else sorted(root.rglob("*.parquet"))


def _batch_csv(batch: pa.RecordBatch, time_column: str) -> tuple[bytes, int]:
    times = batch.column(time_column)
    if pa.types.is_string(times.type) or pa.types.is_large_string(times.type):
        times = pc.cast(times, pa.timestamp("us", tz="UTC"))
    elif pa.types.is_timestamp(times.type) and times.type.tz is None:
        times = pc.assume_timezone(times, "UTC")
    kwh = pc.cast(batch.column("kilowatt_hours"), pa.float64())
    table = pa.table(
        {"meter": pc.cast(batch.column("meter"), pa.string()), "time": times, "kwh": kwh}
    )
    mask = pc.and_(pc.is_valid(table["meter"]), pc.and_(pc.is_valid(times), pc.is_valid(kwh)))
    table = table.filter(mask)
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
    return buffer.getvalue(), table.num_rows


_UPSERT = text(
    """
    INSERT INTO readings AS r (meter_pk, time, interval_wh, source)
    SELECT DISTINCT ON (m.id, s.time) m.id, s.time, s.kwh * 1000, 'thundercloud'
    FROM tc_staging s JOIN meters m ON m.meter_id = s.meter
    WHERE s.kwh >= 0 AND s.kwh <= :bound
    ORDER BY m.id, s.time, s.seq DESC
    ON CONFLICT (meter_pk, time) DO UPDATE
        SET interval_wh = EXCLUDED.interval_wh, source = EXCLUDED.source, received_at = now()
    """
)


def _load_batch(connection: Connection, data: bytes, report: ParquetReport) -> None:
    staging_table(connection, "tc_staging", "meter text, time timestamptz, kwh double precision")
    connection.execute(text("TRUNCATE tc_staging"))
    copy_csv(connection, "tc_staging", ("meter", "time", "kwh"), data)
    bounds = connection.execute(text("SELECT min(time), max(time) FROM tc_staging")).one()
    if bounds[0] is None:
        return
    ensure_partitions(connection, bounds[0], bounds[1])
    unknown = connection.execute(
        text(
            "SELECT s.meter, count(*) FROM tc_staging s"
            " WHERE NOT EXISTS (SELECT 1 FROM meters m WHERE m.meter_id = s.meter) GROUP BY 1"
        )
    ).all()
    report.unknown_meters.update(row[0] for row in unknown)
    report.unknown_rows += sum(row[1] for row in unknown)
    report.out_of_bounds += connection.execute(
        text("SELECT count(*) FROM tc_staging WHERE NOT (kwh >= 0 AND kwh <= :bound)"),
        {"bound": MAX_READING_KWH},
    ).scalar_one()
    stored = connection.execute(_UPSERT, {"bound": MAX_READING_KWH}).rowcount or 0
    report.stored += stored
    count_import_rows("thundercloud", stored)
    connection.execute(
        text(
            """
            INSERT INTO tc_touched (meter_pk, first_time, last_time)
            SELECT m.id, min(s.time), max(s.time) FROM tc_staging s
            JOIN meters m ON m.meter_id = s.meter GROUP BY m.id
            ON CONFLICT (meter_pk) DO UPDATE
                SET first_time = least(tc_touched.first_time, EXCLUDED.first_time),
                    last_time = greatest(tc_touched.last_time, EXCLUDED.last_time)
            """
        )
    )


def import_parquet(
    *,
    engine: Engine,
    paths: Iterable[Path],
    batch_rows: int = BATCH_ROWS,
    on_rows: Callable[[int], None] | None = None,
) -> ParquetReport:
    """Loads `paths` in order in one transaction; `on_rows(n)` reports progress."""
    report = ParquetReport()
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TEMP TABLE tc_touched (meter_pk bigint PRIMARY KEY,"
                " first_time timestamptz, last_time timestamptz) ON COMMIT DROP"
            )
        )
        for path in paths:
            report.files += 1
            parquet = pq.ParquetFile(path)
            names = set(parquet.schema_arrow.names)
            time_column = next((c for c in TIME_COLUMNS if c in names), None)
            if time_column is None or not {"meter", "kilowatt_hours"} <= names:
                raise ValueError(f"{path}: needs meter, kilowatt_hours and a timestamp column")
            for batch in parquet.iter_batches(
                batch_size=batch_rows, columns=["meter", "kilowatt_hours", time_column]
            ):
                data, rows = _batch_csv(batch, time_column)
                report.rows += rows
                _load_batch(connection, data, report)
                if on_rows:
                    on_rows(batch.num_rows)
        touched = connection.execute(text("SELECT * FROM tc_touched")).all()
        report.hours_written = recompute_hours(
            connection, {row.meter_pk: (row.first_time, row.last_time) for row in touched}
        )
    return report
