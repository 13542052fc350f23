"""Bulk registration: 5,000 customers from a CSV, beside a raw COPY of the same rows.

    uv run python -m bench.customer_import

Takes a throw-away migrated Lesotho database (GRIDCARE_BENCH_DATABASE_URL, else
GRIDCARE_TEST_DATABASE_URL, else an embedded PostgreSQL), syncs the sites, builds a CSV of
synthetic rows (names, phones, national ids, villages, positions, a site code or another
spelling of it) and times, each in its own committed transaction:

- the dry run (read, check every row, look up import keys and possible duplicates);
- the import (the same, then customers, account numbers, accounts and audit rows written);
- re-importing the same file (nothing created: every row skipped by its import key);
- the baseline: `COPY` of the already-normalised rows into a copy of `customers` (same
  indexes) over psycopg, no checks, no accounts, no audit: the floor for these rows.

GRIDCARE_BENCH_ROWS (default 5000) scales it. The database is dropped at the end.
"""

from __future__ import annotations

import csv
import io
import os
import random
import time
from collections.abc import Callable
from typing import Any

import psycopg

from bench._metering_db import bench_database
from country_api.customers.bulk_import import import_customers
from country_api.customers.schemas import ImportReport
from country_api.sites.service import sync_sites
from gridcare.core.countries import load_country
from gridcare.core.db import make_engine, unit_of_work


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words("Thabo Palesa Lerato Mpho Teboho Lineo Refiloe Tumelo Nthabiseng Karabo Puleng")
LAST = _words("Mokoena Letsie Ntsane Mohapi Moshoeshoe Lerotholi Makara Mofokeng Ramakoae")
SITES = _words("MAK MAS SHG LEB MAT SEB TOS SEH TLH RIB KET RAL SUA DON LSB NKU MET BOB MAN")
HEADER = [
    "first_name", "last_name", "phone", "site_code", "national_id", "gender", "category",
    "village", "latitude", "longitude", "rooms",
]  # fmt: skip


def synthesise(count: int, rng: random.Random) -> list[list[str]]:
    rows = []
    for index in range(count):
        rows.append(
            [
                rng.choice(FIRST),
                rng.choice(LAST),
                f"5{index:07d}",
                "Semonkong" if index % 50 == 0 else rng.choice(SITES),
                f"LS{index:08d}",
                rng.choice(["F", "M", "female", "male"]),
                rng.choice(["household", "business", "Productive use", "institution"]),
                f"Village {index % 300}",
                f"{rng.uniform(-30.5, -28.6):.6f}",
                f"{rng.uniform(27.1, 29.4):.6f}",
                str(rng.randint(1, 6)),
            ]
        )
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def main() -> None:
    count = int(os.environ.get("GRIDCARE_BENCH_ROWS", "5000"))
    rows = synthesise(count, random.Random(7))
    content = as_csv(rows)
    country = load_country("ls")
    with bench_database("import") as url:
        engine = make_engine(url, pool_size=2)
        with unit_of_work(engine) as session:
            sync_sites(session=session, country=country)

        def run(dry_run: bool) -> ImportReport:
            with unit_of_work(engine) as session:
                return import_customers(
                    session=session,
                    actor="bench",
                    country="LS",
                    rules=country.registration,
                    filename="teams.csv",
                    content=content,
                    dry_run=dry_run,
                    partial=False,
                )

        dry_seconds, dry = timed(lambda: run(True))
        import_seconds, imported = timed(lambda: run(False))
        again_seconds, again = timed(lambda: run(False))
        assert dry.errors == [] and dry.valid == count, dry.errors[:5]
        assert imported.created == count and again.created == 0 and again.skipped == count

        with psycopg.connect(url) as connection:
            copied = connection.execute(
                "SELECT first_name, last_name, phone, national_id, customer_type, category,"
                " gender, village, latitude, longitude, rooms, site_code FROM customers"
            ).fetchall()
            connection.execute("CREATE TABLE customers_copy (LIKE customers INCLUDING ALL)")
            started = time.perf_counter()
            with connection.cursor().copy(
                "COPY customers_copy (first_name, last_name, phone, national_id, customer_type,"
                " category, gender, village, latitude, longitude, rooms, site_code) FROM STDIN"
            ) as copy:
                for row in copied:
                    copy.write_row(row)
            connection.commit()
            copy_seconds = time.perf_counter() - started
            accounts = connection.execute("SELECT count(*) FROM accounts").fetchone() or (0,)
            audited = connection.execute("SELECT count(*) FROM mutations").fetchone() or (0,)
        engine.dispose()

    print(
        f"{count:,} rows, {len(content) / 1024:.0f} KiB CSV;"
        f" {accounts[0]:,} accounts and {audited[0]:,} audit rows written"
    )
    print(f"{'step':<34}{'seconds':>9}{'rows/s':>11}")
    for label, seconds in [
        ("dry run (read + check)", dry_seconds),
        ("import (check + write)", import_seconds),
        ("re-import (all skipped)", again_seconds),
        ("baseline: raw COPY of the rows", copy_seconds),
    ]:
        print(f"{label:<34}{seconds:>9.3f}{count / seconds:>11,.0f}")


if __name__ == "__main__":
    main()
