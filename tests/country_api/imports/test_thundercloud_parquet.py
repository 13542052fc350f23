"""ThunderCloud parquet import: our own files written with pyarrow, checked hour by hour."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from country_api.imports.thundercloud import import_parquet, parquet_files
from gridcare.core.db import make_engine
from tests.country_api.metering.conftest import add_account, hourly, utc


def write_day(root: Path, day: dt.date, rows: list[tuple[str, str, float]]) -> Path:
    folder = root / f"year={day.year}" / f"month={day.month:02d}" / f"day={day.day:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"u740425_{day:%Y_%m_%d}_reading.parquet"
    table = pa.table(
        {
            "meter": [meter for meter, _, _ in rows],
            "kilowatt_hours": [kwh for _, _, kwh in rows],
            "timestamp": pa.array(
                [dt.datetime.fromisoformat(at) for _, at, _ in rows], pa.timestamp("us")
            ),
            "snapshot_customer_code": ["0045MAK"] * len(rows),
            "cost": [0.1] * len(rows),
            "acct_credit": [10.0] * len(rows),
            "heartbeat_id": list(range(len(rows))),
        }
    )
    pq.write_table(table, path)
    return path


def test_parquet_rows_sum_into_hours_and_later_files_overwrite(tmp_path: Path, ls_db: str) -> None:
    add_account(ls_db, "0045MAK", [("SMRSD-03-0002E040", "primary")])
    write_day(
        tmp_path,
        dt.date(2026, 6, 1),
        [
            ("SMRSD-03-0002E040", "2026-06-01T10:15:00", 0.02),
            ("SMRSD-03-0002E040", "2026-06-01T10:30:00", 0.03),
            ("SMRSD-03-0002E040", "2026-06-01T11:00:00", 0.05),
            ("SMRSD-03-0002E040", "2026-06-01T11:15:00", 500.0),  # above the bound: dropped
            ("SMRSD-UNKNOWN", "2026-06-01T10:15:00", 0.02),
        ],
    )
    # A later file re-sends 10:30 with a corrected value and adds the next day.
    write_day(
        tmp_path,
        dt.date(2026, 6, 2),
        [
            ("SMRSD-03-0002E040", "2026-06-01T10:30:00", 0.04),
            ("SMRSD-03-0002E040", "2026-06-02T00:00:00", 0.01),
        ],
    )
    engine = make_engine(ls_db, pool_size=1)
    try:
        report = import_parquet(engine=engine, paths=parquet_files(tmp_path), batch_rows=2)
        again = import_parquet(engine=engine, paths=parquet_files(tmp_path))
    finally:
        engine.dispose()
    assert report.files == 2
    assert report.rows == 7
    assert report.unknown_meters == {"SMRSD-UNKNOWN"}
    assert report.out_of_bounds == 1
    expected = {
        utc("2026-06-01T10:00"): Decimal("0.060000"),
        utc("2026-06-01T11:00"): Decimal("0.050000"),
        utc("2026-06-02T00:00"): Decimal("0.010000"),
    }
    assert hourly(ls_db, "SMRSD-03-0002E040") == expected
    assert again.rows == 7  # importing the same files again changes nothing
    assert hourly(ls_db, "SMRSD-03-0002E040") == expected
