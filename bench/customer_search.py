"""Customer search on 100k customers: the API's p50/p95 beside the same search in plain SQL.

    uv run python -m bench.customer_search

Creates a throw-away database on the server named by GRIDCARE_BENCH_DATABASE_URL (else
GRIDCARE_TEST_DATABASE_URL, else an embedded PostgreSQL), migrates it with Alembic, loads
synthetic Lesotho customers with COPY, then times each kind of search through the country API
in-process (httpx ASGI client, token checked, JSON built) and as direct SQL over psycopg (the
floor: the database work alone). The database is dropped at the end.
GRIDCARE_BENCH_CUSTOMERS (default 100000) and GRIDCARE_BENCH_ROUNDS (default 40) scale it.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import sql

from country_api.config import Settings
from country_api.customers.search import account_prefix
from country_api.main import create_app
from country_api.migrate import upgrade
from country_api.resources import CountryResources
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import make_engine
from gridcare.core.phones import looks_like_phone, phone_digits


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Thabo Palesa Lerato Mpho Teboho Lineo Refiloe Tumelo Nthabiseng Karabo Puleng Tsepo "
    "Limpho Retselisitsoe Mamello Lebohang Khotso Neo Rethabile Mosa Bokang Relebohile "
    "Tlotliso Motlatsi Nthati Katleho Seabata Lisebo Mothusi Keneuoe"
)
LAST_NAMES = _words(
    "Mokoena Letsie Ntsane Mohapi Moshoeshoe Lerotholi Makara Mofokeng Mokhothu Ramakoae "
    "Sekhonyana Thamae Molapo Nkhahle Letsoela Mahao Mphutlane Rakuoane Mosebo Tsoeu Matela "
    "Khabo Moorosi Nthako Lebona Mathibeli Sehloho Tau Phakoe Motanyane"
)
SITES = _words("MAK MAS SHG LEB MAT SEB TOS SEH TLH RIB KET RAL SUA DON LSB NKU")


@dataclass(frozen=True)
class Synthetic:
    first_name: str
    last_name: str
    phone: str
    national_id: str
    site_code: str
    account_number: str


@contextmanager
def admin_server() -> Iterator[str]:
    url = os.environ.get("GRIDCARE_BENCH_DATABASE_URL") or os.environ.get(
        "GRIDCARE_TEST_DATABASE_URL"
    )
    if url:
        yield url
        return
    from gridcare.core.embedded_pg import embedded_postgres

    with embedded_postgres(Path(f"/tmp/gridcare-bench-pg-{os.getuid()}")) as embedded_url:
        yield embedded_url


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    from sqlalchemy.engine import make_url

    name = f"gridcare_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def synthesise(count: int, rng: random.Random) -> list[Synthetic]:
    sequences = dict.fromkeys(SITES, 0)
    people = []
    for index in range(count):
        site = rng.choice(SITES)
        sequences[site] += 1
        people.append(
            Synthetic(
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                phone=f"266{rng.choice('56')}{index:07d}",
                national_id=f"{rng.randrange(10**9):09d}",
                site_code=site,
                account_number=f"{sequences[site]:04d}{site}",
            )
        )
    return people


def load(url: str, people: list[Synthetic]) -> None:
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        with cursor.copy(
            "COPY customers (id, first_name, last_name, phone, national_id, site_code) FROM STDIN"
        ) as copy:
            for number, person in enumerate(people, start=1):
                copy.write_row(
                    (
                        number,
                        person.first_name,
                        person.last_name,
                        person.phone,
                        person.national_id,
                        person.site_code,
                    )
                )
        with cursor.copy(
            "COPY accounts (id, account_number, customer_id, site_code, sequence) FROM STDIN"
        ) as copy:
            for number, person in enumerate(people, start=1):
                sequence = int(person.account_number[:-3])
                copy.write_row((number, person.account_number, number, person.site_code, sequence))
        cursor.execute(
            "INSERT INTO site_account_sequences (site_code, last_value)"
            " SELECT site_code, max(sequence) FROM accounts GROUP BY site_code"
        )
        for table in ("customers", "accounts"):
            cursor.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), {})").format(
                    sql.Literal(table), sql.Literal(len(people))
                )
            )
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE customers")
        connection.execute("VACUUM ANALYZE accounts")


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def direct_sql(
    connection: psycopg.Connection[Any], q: str | None, site: str | None, page_size: int
) -> int:
    """The same search as the API, hand-written as one statement: the page and the total."""
    statement, params = search_sql(q, site, page_size)
    rows = connection.execute(statement, params).fetchall()
    return int(rows[0][-2]) if rows else 0


def search_sql(q: str | None, site: str | None, page_size: int) -> tuple[str, list[str]]:
    params: list[str] = []
    if q:
        prefix = account_prefix(q)
        account_site = " AND site_code = %s" if site else ""
        by_account = (
            f"SELECT customer_id AS id FROM accounts WHERE account_number LIKE %s{account_site}"
        )
        account_params = [prefix + "%"] + ([site] if site else [])
        if re.fullmatch(r"\d{4,6}[A-Z]{3}", prefix):
            matched, params = by_account, account_params
        else:
            words = q.lower().split()
            text = " AND ".join("search_text LIKE %s" for _ in words)
            params = [_like(word) for word in words]
            if looks_like_phone(q):
                text = f"({text}) OR search_text LIKE %s"
                params.append(_like(phone_digits(q)))
            if site:
                text = f"({text}) AND site_code = %s"
                params.append(site)
            matched = f"SELECT id FROM customers WHERE {text} UNION {by_account}"
            params += account_params
        page = (
            f"SELECT id, count(*) OVER () AS total FROM ({matched}) AS m"
            f" ORDER BY id LIMIT {page_size}"
        )
    else:  # browsing: count on the site index, page on the primary key
        where = "site_code = %s" if site else "TRUE"
        params = [site, site] if site else []
        page = (
            f"SELECT id, (SELECT count(*) FROM customers WHERE {where}) AS total"
            f" FROM customers WHERE {where} ORDER BY id LIMIT {page_size}"
        )
    statement = (
        f"WITH page AS ({page})"
        " SELECT c.*, page.total, (SELECT array_agg(a.account_number ORDER BY a.sequence)"
        " FROM accounts a WHERE a.customer_id = c.id)"
        " FROM page JOIN customers c USING (id) ORDER BY c.id"
    )
    return statement, params


def query_kinds(
    people: list[Synthetic], rng: random.Random
) -> dict[str, Callable[[], dict[str, str]]]:
    def person() -> Synthetic:
        return rng.choice(people)

    return {
        "surname fragment (~3% of rows)": lambda: {"q": person().last_name[:5].lower()},
        "first + last name": lambda: {"q": f"{person().first_name} {person().last_name}"},
        "phone, local 8 digits": lambda: {"q": person().phone[3:]},
        "national id": lambda: {"q": person().national_id},
        "account number": lambda: {"q": person().account_number},
        "surname + site filter": lambda: {"q": person().last_name, "site": rng.choice(SITES)},
        "site only (browse)": lambda: {"site": rng.choice(SITES)},
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(url: str, people: list[Synthetic], rounds: int) -> list[tuple[Any, ...]]:
    issuer = TokenIssuer.generate()
    os.environ.setdefault("GRIDCARE_COUNTRY", "ls")
    settings = Settings(database_url=url)
    app = create_app(
        CountryResources.build(
            settings,
            engine=make_engine(url, pool_size=5),
            jwks_transport=httpx.MockTransport(lambda _: httpx.Response(200, json=issuer.jwks())),
        )
    )
    token = issuer.issue(username="bench", country="LS", role="viewer")
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)
    results = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            with psycopg.connect(url, autocommit=True) as connection:
                for kind, make_params in query_kinds(people, rng).items():
                    api_ms, sql_ms, totals = [], [], []
                    for attempt in range(rounds + 5):
                        params = make_params()
                        started = time.perf_counter()
                        answer = await client.get("/api/customers", params=params, headers=headers)
                        api_time = time.perf_counter() - started
                        answer.raise_for_status()
                        started = time.perf_counter()
                        total = direct_sql(connection, params.get("q"), params.get("site"), 50)
                        sql_time = time.perf_counter() - started
                        assert total == answer.json()["total"], (kind, params)
                        if attempt >= 5:  # the first few warm caches and the pool
                            api_ms.append(api_time * 1000)
                            sql_ms.append(sql_time * 1000)
                            totals.append(total)
                    results.append(
                        (
                            kind,
                            statistics.median(totals),
                            percentile(api_ms, 0.5),
                            percentile(api_ms, 0.95),
                            percentile(sql_ms, 0.5),
                            percentile(sql_ms, 0.95),
                        )
                    )
    app.state.resources.engine.dispose()
    return results


def explain(url: str, q: str, site: str | None = None) -> str:
    statement, params = search_sql(q, site, 50)
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) " + statement, params
        ).fetchall()
    return "\n".join("    " + row[0] for row in rows)


def main() -> None:
    count = int(os.environ.get("GRIDCARE_BENCH_CUSTOMERS", "100000"))
    rounds = int(os.environ.get("GRIDCARE_BENCH_ROUNDS", "40"))
    people = synthesise(count, random.Random(42))
    with admin_server() as admin_url, scratch_database(admin_url) as url:
        upgrade(url)
        started = time.perf_counter()
        os.environ.setdefault("GRIDCARE_COUNTRY", "ls")
        with psycopg.connect(url, autocommit=True) as connection:  # sites first (foreign keys)
            for code in SITES:
                connection.execute(
                    "INSERT INTO sites (code, name, meter_platform) VALUES (%s, %s, 'koios')",
                    [code, code],
                )
        load(url, people)
        print(f"loaded {count:,} customers with COPY in {time.perf_counter() - started:.1f} s")
        print("plan for a name fragment ('mokoe'):")
        print(explain(url, "mokoe"))
        results = asyncio.run(measure(url, people, rounds))
    print(f"\ncustomer search, {count:,} customers, {rounds} queries per kind, page_size 50 (ms)")
    header = (
        f"{'query':32} {'matches':>8} {'API p50':>8} {'API p95':>8} {'SQL p50':>8} {'SQL p95':>8}"
    )
    print(header)
    print("-" * len(header))
    for kind, matches, api50, api95, sql50, sql95 in results:
        print(f"{kind:32} {matches:>8.0f} {api50:>8.1f} {api95:>8.1f} {sql50:>8.1f} {sql95:>8.1f}")


if __name__ == "__main__":
    main()
