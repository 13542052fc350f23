"""`gridcare import hourly-csv`: local-time columns onto a site's primary meters."""

from __future__ import annotations

import datetime as dt
import gzip
from decimal import Decimal
from pathlib import Path

from country_api.imports.hourly_csv import REAL_FILE, import_hourly_csv, read_hourly_csv
from gridcare.core.db import make_engine
from tests.country_api.metering.conftest import add_account, hourly, utc


def test_columns_map_to_accounts_in_order_and_reimport_overwrites(
    tmp_path: Path, bn_db: str
) -> None:
    add_account(bn_db, "0002SAM", [("M2", "primary")])
    add_account(bn_db, "0001SAM", [("M1", "primary"), ("C1", "check")])
    path = tmp_path / "hours.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("hour_local,customer_01,customer_02,customer_03\n")
        handle.write("2024-02-01T00:00,0.0430,,0.5\n")
        handle.write("2024-02-01T01:00,0.0420,0.0100,0.5\n")
    engine = make_engine(bn_db, pool_size=1)
    try:
        report = import_hourly_csv(engine=engine, path=path, site_code="SAM")
        again = import_hourly_csv(engine=engine, path=path, site_code="SAM")
    finally:
        engine.dispose()
    assert (report.columns, report.mapped, report.rows) == (3, 2, 3)
    assert again.rows == 3
    # Local UTC+1 midnight is 23:00 UTC the day before; column 1 goes to 0001SAM's primary.
    assert hourly(bn_db, "M1") == {
        utc("2024-01-31T23:00"): Decimal("0.043000"),
        utc("2024-02-01T00:00"): Decimal("0.042000"),
    }
    assert hourly(bn_db, "M2") == {utc("2024-02-01T00:00"): Decimal("0.010000")}
    assert hourly(bn_db, "C1") == {}


def test_the_real_file_reads_as_documented() -> None:
    table = read_hourly_csv(REAL_FILE, utc_offset=dt.timedelta(hours=1))
    assert len(table.columns) == 59
    assert len(table.hours) == 17_483
    assert table.hours[0] == utc("2024-01-31T23:00")
    assert table.values[0][0] == Decimal("0.0430")
