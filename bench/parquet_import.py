"""ThunderCloud parquet import of 5 million readings, beside a raw COPY of the same rows.

    uv run python -m bench.parquet_import [--scale 0.1]

Writes day files (1,000 meters, 15-minute readings) with pyarrow, imports them with
`import_parquet` (staging COPY + upsert + hourly recompute), then empties `readings` and COPYs
the same rows straight into it (the floor). Database: GRIDCARE_BENCH_DATABASE_URL, else
GRIDCARE_TEST_DATABASE_URL, else an embedded PostgreSQL; dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import tempfile
import time
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from bench._metering_db import add_meters, bench_database
from country_api.imports.thundercloud import import_parquet, parquet_files
from country_api.metering.partitions import ensure_partitions
from gridcare.core.db import make_engine

METERS = 1000
PER_DAY = 96
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def write_files(root: Path, rows: int) -> list[pa.Table]:
    days = max(1, rows // (METERS * PER_DAY))
    rng = random.Random(7)
    tables = []
    for day in range(days):
        start = START + dt.timedelta(days=day)
        times = [
            (start + dt.timedelta(minutes=15 * n)).replace(tzinfo=None) for n in range(PER_DAY)
        ]
        table = pa.table(
            {
                "meter": [f"BENCH-MAK-{m}" for m in range(1, METERS + 1) for _ in range(PER_DAY)],
                "kilowatt_hours": [rng.gammavariate(1.5, 0.01) for _ in range(METERS * PER_DAY)],
                "timestamp": pa.array(times * METERS, pa.timestamp("us")),
            }
        )
        folder = root / f"year={start.year}" / f"month={start.month:02d}" / f"day={start.day:02d}"
        folder.mkdir(parents=True)
        pq.write_table(table, folder / f"u740425_{start:%Y_%m_%d}_reading.parquet")
        tables.append(table)
    return tables


def raw_copy(url: str, tables: list[pa.Table], meter_pks: dict[str, int]) -> float:
    started = time.perf_counter()
    with psycopg.connect(url) as db:
        for table in tables:
            pks = pa.array([meter_pks[m] for m in table["meter"].to_pylist()], pa.int64())
            wh = pc.multiply(table["kilowatt_hours"], 1000)
            source = pa.array(["thundercloud"] * table.num_rows)
            out = pa.table(
                {"meter_pk": pks, "time": table["timestamp"], "wh": wh, "source": source}
            )
            buffer = io.BytesIO()
            pacsv.write_csv(out, buffer, pacsv.WriteOptions(include_header=False))
            with (
                db.cursor() as cursor,
                cursor.copy(
                    "COPY readings (meter_pk, time, interval_wh, source) FROM STDIN (FORMAT csv)"
                ) as copy,
            ):
                copy.write(buffer.getvalue())
        db.commit()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 5 million rows")
    args = parser.parse_args()
    rows = int(5_000_000 * args.scale)
    with tempfile.TemporaryDirectory() as folder, bench_database("parquet") as url:
        tables = write_files(Path(folder), rows)
        total = sum(t.num_rows for t in tables)
        pks = add_meters(url, METERS)
        meter_pks = {f"BENCH-MAK-{n}": pk for n, pk in enumerate(pks, start=1)}
        engine = make_engine(url, pool_size=1)
        started = time.perf_counter()
        report = import_parquet(engine=engine, paths=parquet_files(Path(folder)))
        imported = time.perf_counter() - started
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("TRUNCATE readings")
        with engine.begin() as connection:
            ensure_partitions(connection, START, START + dt.timedelta(days=len(tables)))
        floor = raw_copy(url, tables, meter_pks)
        engine.dispose()
    print(f"rows: {total:,} in {len(tables)} files, {METERS} meters")
    print(
        f"import_parquet (staging COPY + upsert + hourly rollup): {imported:.1f} s, "
        f"{total / imported:,.0f} rows/s ({report.hours_written:,} hourly rows)"
    )
    print(f"raw COPY into readings (floor): {floor:.1f} s, {total / floor:,.0f} rows/s")


if __name__ == "__main__":
    main()
