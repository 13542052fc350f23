"""Monthly partitions of `readings` and `hourly_consumption`, created ahead by the application.

Start-up ensures the current month and a few ahead; imports ensure the months they touch;
live ingest ensures the month of each reading it stores. Creation takes an advisory lock so
concurrent workers never race on the same partition.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, text

PARTITIONED_TABLES = {"readings": "time", "hourly_consumption": "hour"}
MONTHS_AHEAD = 3
_LOCK_KEY = 4_300_300_3


def month_start(moment: dt.datetime) -> dt.datetime:
    moment = moment.astimezone(dt.UTC)
    return dt.datetime(moment.year, moment.month, 1, tzinfo=dt.UTC)


def next_month(start: dt.datetime) -> dt.datetime:
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def months_between(first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
    """Every month start from `first`'s month to `last`'s month, inclusive."""
    months, current, end = [], month_start(first), month_start(last)
    while current <= end:
        months.append(current)
        current = next_month(current)
    return months


def partition_name(table: str, month: dt.datetime) -> str:
    return f"{table}_{month:%Y_%m}"


_known: set[tuple[str, str]] = set()
"""(database URL, partition name) already seen to exist, so hot paths skip the catalogue."""


def ensure_partitions(connection: Connection, first: dt.datetime, last: dt.datetime) -> int:
    """Creates the missing monthly partitions covering [first, last]; returns how many."""
    database = connection.engine.url.render_as_string(hide_password=True)
    wanted = [
        (table, month)
        for month in months_between(first, last)
        for table in PARTITIONED_TABLES
        if (database, partition_name(table, month)) not in _known
    ]
    if not wanted:
        return 0
    existing = set(
        connection.execute(
            text("SELECT relname FROM pg_class WHERE relname = ANY(:names)"),
            {"names": [partition_name(table, month) for table, month in wanted]},
        ).scalars()
    )
    created = 0
    missing = [(t, m) for t, m in wanted if partition_name(t, m) not in existing]
    if missing:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        for table, month in missing:
            name = partition_name(table, month)
            bounds = f"FROM ('{month.isoformat()}') TO ('{next_month(month).isoformat()}')"
            connection.execute(
                text(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table} FOR VALUES {bounds}")
            )
            created += 1
    # Only partitions seen committed are cached; new ones are confirmed on the next call.
    _known.update((database, name) for name in existing)
    return created


def forget_known_partitions() -> None:
    """Tests that drop or truncate databases call this so the cache cannot lie."""
    _known.clear()


def ensure_partitions_ahead(engine: Engine, *, now: dt.datetime | None = None) -> int:
    """The start-up call: this month and `MONTHS_AHEAD` more."""
    start = month_start(now or dt.datetime.now(dt.UTC))
    last = start
    for _ in range(MONTHS_AHEAD):
        last = next_month(last)
    with engine.begin() as connection:
        return ensure_partitions(connection, start, last)
