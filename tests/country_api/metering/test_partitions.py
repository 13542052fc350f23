"""Monthly partitions are made by the application: at start-up ahead of time, and on demand."""

from __future__ import annotations

import datetime as dt

import httpx
import psycopg

from country_api.metering.partitions import (
    MONTHS_AHEAD,
    ensure_partitions,
    month_start,
    months_between,
    next_month,
    partition_name,
)
from gridcare.core.db import make_engine


def partitions(url: str, table: str) -> set[str]:
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            (table,),
        ).fetchall()
    return {row[0] for row in rows}


def test_months_between_crosses_years() -> None:
    first = dt.datetime(2025, 11, 15, tzinfo=dt.UTC)
    last = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    assert [m.strftime("%Y-%m") for m in months_between(first, last)] == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


async def test_start_up_creates_this_month_and_the_next_ones(
    iot_client: httpx.AsyncClient, ls_db: str
) -> None:
    month = month_start(dt.datetime.now(dt.UTC))
    expected = set()
    for _ in range(MONTHS_AHEAD + 1):
        expected.add(partition_name("readings", month))
        month = next_month(month)
    assert expected <= partitions(ls_db, "readings")


def test_ensure_partitions_is_idempotent_and_covers_the_range(ls_db: str) -> None:
    engine = make_engine(ls_db, pool_size=1)
    first = dt.datetime(2019, 12, 31, 23, 0, tzinfo=dt.UTC)
    last = dt.datetime(2020, 2, 1, tzinfo=dt.UTC)
    with engine.begin() as connection:
        ensure_partitions(connection, first, last)
    with engine.begin() as connection:
        assert ensure_partitions(connection, first, last) == 0
    engine.dispose()
    for table in ("readings", "hourly_consumption"):
        assert {f"{table}_2019_12", f"{table}_2020_01", f"{table}_2020_02"} <= partitions(
            ls_db, table
        )
