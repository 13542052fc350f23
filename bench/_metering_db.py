"""A throw-away migrated country database for the metering benchmarks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from country_api.migrate import upgrade
from tests.support.databases import database_url, postgres_server


@contextmanager
def bench_database(label: str) -> Iterator[str]:
    os.environ.setdefault("GRIDCARE_COUNTRY", "ls")
    admin = os.environ.get("GRIDCARE_BENCH_DATABASE_URL") or os.environ.get(
        "GRIDCARE_TEST_DATABASE_URL"
    )
    if admin:
        os.environ["GRIDCARE_TEST_DATABASE_URL"] = admin
    with postgres_server() as admin_url:
        name = f"bench_{label}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(admin_url, autocommit=True) as db:
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = database_url(admin_url, name)
        try:
            upgrade(url)
            yield url
        finally:
            with psycopg.connect(admin_url, autocommit=True) as db:
                db.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def add_meters(url: str, count: int, *, site: str = "MAK", prefix: str = "BENCH") -> list[int]:
    """`count` meters, each the primary of its own account; returns the meter ids (pk)."""
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(
            "INSERT INTO sites (code, name, meter_platform) VALUES (%s, %s, 'koios')"
            " ON CONFLICT DO NOTHING",
            (site, site),
        )
        db.execute(
            """
            WITH c AS (
                INSERT INTO customers (first_name, site_code)
                SELECT 'Bench', %(site)s FROM generate_series(1, %(n)s) RETURNING id
            ), a AS (
                INSERT INTO accounts (account_number, customer_id, site_code, sequence)
                SELECT lpad(row_number() OVER ()::text, 4, '0') || %(site)s, id, %(site)s,
                       row_number() OVER () FROM c RETURNING id, sequence
            ), m AS (
                INSERT INTO meters (meter_id, platform, status)
                SELECT %(prefix)s || '-' || %(site)s || '-' || g, 'sparkmeter', 'active'
                FROM generate_series(1, %(n)s) g RETURNING id, meter_id
            )
            INSERT INTO meter_assignments (meter_pk, account_id, role, started_at)
            SELECT m.id, a.id, 'primary', '2020-01-01'
            FROM m JOIN a ON a.sequence = split_part(m.meter_id, '-', 3)::int
            """,
            {"site": site, "n": count, "prefix": prefix},
        )
        return [
            row[0]
            for row in db.execute(
                "SELECT id FROM meters WHERE meter_id LIKE %s ORDER BY id", (f"{prefix}-{site}-%",)
            )
        ]
