"""O&M reports read from the rollups, beside the same figures aggregated from the base tables.

    uv run python -m bench.reports [--scale 0.05] [--rounds 5] [--exports]

Creates a scratch database (GRIDCARE_BENCH_DATABASE_URL, else GRIDCARE_TEST_DATABASE_URL,
else an embedded PostgreSQL), migrates it and generates, with `generate_series` inside the
server, 1 million payments over 2024-2025 (0.5% of them reversed) for 5,000 Lesotho accounts
and 20 million hourly consumption rows (4,000 hours per account from June 2025), all times
`--scale`. Hourly rows are loaded with the triggers off (a bulk load), then the rollups are
rebuilt once (timed), then a small live batch goes through the triggers and the incremental
refresh (timed). Each report is then called through the country API in-process (token
check, rollup read, JSON) and timed beside the plain SQL aggregation over payments and
hourly_consumption that answers the same question (the naive baseline); both answers are
compared. `--exports` also times the streamed payments export. The database is dropped at
the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import psutil
import psycopg
from sqlmodel import Session

from bench.customer_search import admin_server, scratch_database
from country_api.analytics.rollups import rebuild_rollups, refresh_pending
from country_api.config import Settings
from country_api.main import create_app
from country_api.metering.partitions import ensure_partitions
from country_api.migrate import upgrade
from country_api.resources import CountryResources
from federation_gateway.tokens import TokenIssuer
from gridcare.core.countries import load_country
from gridcare.core.db import make_engine

TZ = "Africa/Maseru"
ACCOUNTS, PAYMENTS, HOURLY = 5_000, 1_000_000, 20_000_000
HOURLY_START = "2025-06-01 00:00+00"


def timed(label: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = action()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    return result


def generate(url: str, scale: float) -> tuple[int, int, int]:
    accounts = max(32, round(ACCOUNTS * scale))
    payments, hours = round(PAYMENTS * scale), round(HOURLY * scale / accounts)
    country = load_country("ls")
    with psycopg.connect(url, autocommit=True) as db:
        for site in country.sites:
            db.execute(
                "INSERT INTO sites (code, name, meter_platform) VALUES (%s, %s, 'koios')",
                [site.code, site.name],
            )
        codes = [site.code for site in country.sites]
        db.execute(
            "INSERT INTO customers (id, first_name, site_code, customer_type, connected_at)"
            " SELECT n, 'C' || n, (%(codes)s::text[])[1 + n %% %(sites)s],"
            " CASE WHEN n %% 10 = 0 THEN 'business' WHEN n %% 50 = 1 THEN 'institution'"
            " ELSE 'household' END, date '2023-06-01' + (n * 7919 %% 900)"
            " FROM generate_series(1, %(accounts)s) AS n",
            {"codes": codes, "sites": len(codes), "accounts": accounts},
        )
        db.execute(
            "INSERT INTO accounts (id, account_number, customer_id, site_code, sequence)"
            " SELECT id, lpad(((id - 1) / %(sites)s + 1)::text, 4, '0') || site_code, id,"
            " site_code, (id - 1) / %(sites)s + 1 FROM customers",
            {"sites": len(codes)},
        )
        timed(
            f"{payments:,} payments",
            lambda: db.execute(
                "INSERT INTO payments (account_id, provider, reference, amount_minor, currency,"
                " electricity_minor, fee_minor, kwh, rate, paid_at, source)"
                " SELECT 1 + (n * 7 %% %(accounts)s), 'bench', 'P' || n, amount, 'LSL', amount, 0,"
                " round(amount / 500.0, 4), 5,"
                " timestamptz '2024-01-01 00:00+00' + random() * interval '730 days', 'bench'"
                " FROM (SELECT n, (1000 + random() * 20000)::bigint AS amount"
                "       FROM generate_series(1, %(payments)s) AS n) AS s",
                {"accounts": accounts, "payments": payments},
            ),
        )
        db.execute(
            "INSERT INTO payments (account_id, kind, provider, reference, amount_minor, currency,"
            " electricity_minor, fee_minor, kwh, rate, paid_at, source, reverses_id)"
            " SELECT account_id, 'reversal', provider, reference || '#r', -amount_minor, currency,"
            " -electricity_minor, 0, -kwh, rate, paid_at + interval '2 days', 'reversal', id"
            " FROM payments WHERE id % 200 = 0"
        )
    engine = make_engine(url, pool_size=1)
    with engine.begin() as connection:
        start = connection.exec_driver_sql(f"SELECT timestamptz '{HOURLY_START}'").scalar_one()
        end = connection.exec_driver_sql(
            f"SELECT timestamptz '{HOURLY_START}' + interval '{hours} hours'"
        ).scalar_one()
        ensure_partitions(connection, start, end)
    engine.dispose()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("SET session_replication_role = replica")  # a bulk load: triggers off

        def load_hours() -> None:
            for first in range(0, hours, 500):
                db.execute(
                    "INSERT INTO hourly_consumption (meter_pk, hour, account_id, role, kwh,"
                    " source) SELECT a, %(start)s::timestamptz + h * interval '1 hour', a,"
                    " 'primary', round((random() * 0.4)::numeric, 6), 'demo'"
                    " FROM generate_series(%(first)s::int, %(last)s::int) AS h,"
                    " generate_series(1, %(accounts)s::int) AS a",
                    {
                        "start": HOURLY_START,
                        "first": first,
                        "last": min(first + 499, hours - 1),
                        "accounts": accounts,
                    },
                )

        timed(f"{hours * accounts:,} hourly rows", load_hours)
        db.execute("SET session_replication_role = origin")
        db.execute("DELETE FROM analytics_dirty")
        timed("VACUUM ANALYZE", lambda: db.execute("VACUUM ANALYZE"))
    return accounts, payments, hours


def rollup_timings(url: str, accounts: int) -> None:
    engine = make_engine(url, pool_size=1)
    with Session(engine) as session:

        def rebuild() -> None:
            rebuild_rollups(session=session, timezone=TZ)
            session.commit()

        timed("full rebuild of the rollups", rebuild)
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE account_month, account_hour_profile, site_month")
        db.execute(
            "INSERT INTO payments (account_id, provider, reference, amount_minor, currency,"
            " electricity_minor, kwh, rate, paid_at, source)"
            " SELECT 1 + n %% %(accounts)s, 'live', 'L' || n, 2500, 'LSL', 2500, 5, 5,"
            " timestamptz '2025-10-15 08:00+00' + n * interval '1 minute', 'bench'"
            " FROM generate_series(1, 200) AS n",
            {"accounts": accounts},
        )
        db.execute(
            "UPDATE hourly_consumption SET kwh = kwh + 0.001"
            " WHERE hour >= timestamptz '2025-07-10 00:00+00'"
            " AND hour < timestamptz '2025-07-11 00:00+00' AND meter_pk <= 200"
        )
    with Session(engine) as session:

        def incremental() -> None:
            queued = refresh_pending(session=session, timezone=TZ)
            session.commit()
            print(f"    ({queued} queued cells: 200 payments, 200 accounts' day of hours)")

        timed("incremental refresh after a live batch", incremental)
    engine.dispose()


_SALES = """
    WITH kept AS (
        SELECT p.account_id, a.site_code, p.amount_minor, p.kwh,
               CAST(date_trunc(%(unit)s, p.paid_at AT TIME ZONE %(tz)s) AS date) AS period
        FROM payments p JOIN accounts a ON a.id = p.account_id
        WHERE p.kind = 'payment'
          AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.reverses_id = p.id)
    ),
    firsts AS (
        SELECT site_code, min(period) AS first_period FROM kept GROUP BY account_id, site_code
    ),
    periods AS (
        SELECT CAST(generate_series(CAST(%(first)s AS date), CAST(%(last)s AS date),
                                    CAST(%(step)s AS interval)) AS date) AS period
    )
    SELECT pr.period, sum(k.amount_minor), count(k.*), sum(k.kwh),
           (SELECT count(*) FROM firsts f WHERE f.first_period <= pr.period)
    FROM periods pr LEFT JOIN kept k ON k.period = pr.period
    GROUP BY pr.period ORDER BY pr.period
"""
_CONSUMPTION = """
    SELECT CAST(date_trunc('month', h.hour AT TIME ZONE %(tz)s) AS date), a.site_code,
           sum(h.kwh), count(DISTINCT h.account_id)
    FROM hourly_consumption h JOIN accounts a ON a.id = h.account_id
    WHERE h.role = 'primary'
      AND h.hour >= CAST(%(first)s AS timestamp) AT TIME ZONE %(tz)s
      AND h.hour < CAST(%(next)s AS timestamp) AT TIME ZONE %(tz)s
    GROUP BY 1, 2 ORDER BY 1, 2
"""
_PROFILE = """
    SELECT c.customer_type, extract(hour FROM h.hour AT TIME ZONE %(tz)s), avg(h.kwh), count(*)
    FROM hourly_consumption h JOIN accounts a ON a.id = h.account_id
    JOIN customers c ON c.id = a.customer_id
    WHERE h.role = 'primary'
      AND h.hour >= CAST(%(first)s AS timestamp) AT TIME ZONE %(tz)s
      AND h.hour < CAST(%(next)s AS timestamp) AT TIME ZONE %(tz)s
    GROUP BY 1, 2 ORDER BY 1, 2
"""

Check = Callable[[dict[str, Any], list[tuple[Any, ...]]], None]


def same_sales(answer: dict[str, Any], rows: list[tuple[Any, ...]]) -> None:
    entries = answer.get("series") or answer["arpu"]
    for entry, (_, revenue, _, _, payers) in zip(entries, rows, strict=True):
        assert Decimal(entry["revenue"]) * 100 == (revenue or 0), (entry, revenue)
        assert entry.get("customers_cumulative", entry.get("customers")) == payers


def same_consumption(answer: dict[str, Any], rows: list[tuple[Any, ...]]) -> None:
    totals: dict[str, Decimal] = {}
    for month, _, kwh, _ in rows:
        totals[f"{month:%Y-%m}"] = totals.get(f"{month:%Y-%m}", Decimal(0)) + kwh
    for entry in answer["series"]:
        expected = totals.get(entry["period"], Decimal(0))
        assert abs(Decimal(entry["kwh"]) - expected) < Decimal("0.001"), (entry, expected)


def same_profile(answer: dict[str, Any], rows: list[tuple[Any, ...]]) -> None:
    for kind, hour, average, samples in rows:
        point = answer["curves"][kind][int(hour)]
        assert point["samples"] == samples
        assert abs(Decimal(point["kwh"]) - average) < Decimal("0.000001")


REPORTS: list[tuple[str, str, dict[str, str], str, dict[str, Any], Check]] = [
    (
        "monthly ARPU, 12 months",
        "/api/om-report/monthly-arpu",
        {"from": "2025-01", "to": "2025-12"},
        _SALES,
        {"unit": "month", "first": "2025-01-01", "last": "2025-12-01", "step": "1 month"},
        same_sales,
    ),
    (
        "quarterly ARPU, 8 quarters",
        "/api/om-report/arpu",
        {"from": "2024Q1", "to": "2025Q4"},
        _SALES,
        {"unit": "quarter", "first": "2024-01-01", "last": "2025-10-01", "step": "3 months"},
        same_sales,
    ),
    (
        "sales by month, 24 months",
        "/api/om-report/revenue",
        {"from": "2024-01", "to": "2025-12", "granularity": "month"},
        _SALES,
        {"unit": "month", "first": "2024-01-01", "last": "2025-12-01", "step": "1 month"},
        same_sales,
    ),
    (
        "consumption by month and site",
        "/api/om-report/consumption",
        {"from": "2025-06", "to": "2025-11"},
        _CONSUMPTION,
        {"first": "2025-06-01", "next": "2025-12-01"},
        same_consumption,
    ),
    (
        "load curves by customer type, Q3",
        "/api/om-report/load-profile",
        {"from": "2025-07", "to": "2025-09", "group_by": "customer_type"},
        _PROFILE,
        {"first": "2025-07-01", "next": "2025-10-01"},
        same_profile,
    ),
]


async def median_ms(action: Callable[[], Awaitable[Any]], rounds: int) -> tuple[float, Any]:
    result = await action()  # warm-up
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = await action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


async def measure(url: str, rounds: int, exports: bool) -> None:
    issuer = TokenIssuer.generate()
    os.environ.setdefault("GRIDCARE_COUNTRY", "ls")
    app = create_app(
        CountryResources.build(
            Settings(database_url=url),
            engine=make_engine(url, pool_size=5),
            jwks_transport=httpx.MockTransport(lambda _: httpx.Response(200, json=issuer.jwks())),
        )
    )
    headers = {"Authorization": "Bearer " + issuer.issue(username="b", country="LS", role="viewer")}
    print(f"\n{'report':36} {'rollups (API)':>14} {'naive SQL':>11} {'ratio':>7}")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=600
        ) as client:
            with psycopg.connect(url, autocommit=True) as db:
                for label, path, params, query, sql_params, check in REPORTS:

                    async def api(path: str = path, params: dict[str, str] = params) -> Any:
                        answer = await client.get(path, params=params, headers=headers)
                        answer.raise_for_status()
                        return answer.json()

                    async def naive(
                        query: str = query, sql_params: dict[str, Any] = sql_params
                    ) -> list[tuple[Any, ...]]:
                        return db.execute(query, {"tz": TZ, **sql_params}).fetchall()

                    api_ms, answer = await median_ms(api, rounds)
                    sql_ms, rows = await median_ms(naive, max(1, rounds // 2))
                    check(answer, rows)
                    print(
                        f"{label:36} {api_ms:11.1f} ms {sql_ms:8.0f} ms {sql_ms / api_ms:6.0f}x",
                        flush=True,
                    )
            if exports:
                process = psutil.Process()
                before = process.memory_info().rss
                started = time.perf_counter()
                answer = await client.get("/api/exports/payments.xlsx", headers=headers)
                answer.raise_for_status()
                seconds = time.perf_counter() - started
                grown = (process.memory_info().rss - before) / 2**20
                print(
                    f"\npayments export: {len(answer.content) / 2**20:.0f} MiB in {seconds:.1f} s"
                    f" (process memory +{grown:.0f} MiB, the response body included)"
                )
    app.state.resources.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M payments, 20M hours")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--exports", action="store_true", help="also time the payments export")
    options = parser.parse_args()
    with admin_server() as admin_url, scratch_database(admin_url) as url:
        upgrade(url)
        print(f"generating at scale {options.scale}:", flush=True)
        accounts, payments, hours = generate(url, options.scale)
        print(f"{accounts:,} accounts, {payments:,} payments, {accounts * hours:,} hourly rows")
        rollup_timings(url, accounts)
        asyncio.run(measure(url, options.rounds, options.exports))


if __name__ == "__main__":
    main()
