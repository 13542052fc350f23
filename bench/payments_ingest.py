"""Post 5,000 payment SMS to a real country API server while the meter platform fails 30% of calls.

`uv run python -m bench.payments_ingest [--messages N] [--clients C] [--failure-rate F]`

A scratch database (server from GRIDCARE_BENCH_DATABASE_URL, else GRIDCARE_TEST_DATABASE_URL,
else an embedded PostgreSQL) gets the schema and 400 Lesotho accounts on Koios sites. The
Lesotho API runs under uvicorn in its own process on a free port, with its credit outbox worker
pushing to a fake Koios (in this process) that fails the given share of calls. C clients post
the messages one per request: 10% are repeats of earlier ones (half gateway retries with the
same id, half the same SMS forwarded under a new id) and 5% are garbage. After the outbox has
drained, it checks that the ledger and the platform each hold every valid payment exactly once,
and prints the rate of a raw single-row insert+commit through psycopg on the same database.
The server's worker uses a 0.2 s backoff base (production: 2 s) so the drain stays short.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import string
import subprocess
import sys
import threading
import time
from collections import Counter
from typing import Any

import httpx
import psutil
import psycopg
from fastapi import FastAPI

from bench.customer_search import admin_server, scratch_database
from country_api.migrate import upgrade
from country_api.payments.outbox import RetryPolicy
from country_api.sites.service import sync_sites
from gridcare.core.countries import load_country
from gridcare.core.db import make_engine, unit_of_work
from tests.fakes.koios import FakeKoios

KEY = "bench-gateway-key"
ACCOUNTS = 400
GARBAGE = ["ok", "Dial *111# to win 1GB", "Ke kopa thuso", "Your balance is M2.50", "hello"]


def make_app() -> FastAPI:
    """The server's app factory: the country API as deployed, with a shorter retry backoff."""
    from country_api.main import create_app
    from country_api.resources import CountryResources

    retry = RetryPolicy(max_attempts=20, base_seconds=0.2, max_seconds=5.0)
    return create_app(CountryResources.build(credit_retry=retry), with_workers=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str, rng: random.Random) -> list[str]:
    upgrade(url)
    country = load_country("ls")
    engine = make_engine(url, pool_size=1)
    with unit_of_work(engine) as session:
        sync_sites(session=session, country=country)
    engine.dispose()
    sites = [site.code for site in country.sites if country.site_platform(site.code) == "koios"]
    numbers = []
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        for index in range(ACCOUNTS):
            site = sites[index % len(sites)]
            sequence = index // len(sites) + 1
            cursor.execute(
                "INSERT INTO customers (first_name, phone, site_code) VALUES (%s, %s, %s)"
                " RETURNING id",
                ("Bench", f"2665{index:07d}", site),
            )
            customer_id = cursor.fetchone()[0]  # type: ignore[index]
            number = f"{sequence:04d}{site}"
            cursor.execute(
                "INSERT INTO accounts (account_number, customer_id, site_code, sequence)"
                " VALUES (%s, %s, %s, %s)",
                (number, customer_id, site, sequence),
            )
            numbers.append(number)
    return numbers


def messages(
    count: int, accounts: list[str], rng: random.Random
) -> tuple[list[dict[str, Any]], int]:
    """The posts in order, and how many distinct valid payments they carry."""
    garbage = count * 5 // 100
    repeats = count * 10 // 100
    valid = count - garbage - repeats
    posts: list[dict[str, Any]] = []
    for index in range(valid):
        txn = "B" + "".join(rng.choices(string.ascii_uppercase + string.digits, k=9))
        amount = rng.randrange(2, 61) * 5
        account = rng.choice(accounts)
        content = (
            f"{txn} Confirmed. on 10/4/2026 at 9:{index % 60:02d} AM\nM{amount}.00 received "
            f"from 2665{index:07d}. New M-Pesa balance is M500.00.\nReference: {index}\n"
            f"Remark: {account[:4]} {account[4:]} electricity"
        )
        posts.append(_sms(f"g{index}", content))
    for index in range(repeats):
        original = rng.choice(posts[:valid])
        same_id = index % 2 == 0
        posts.append({**original, "id": original["id"] if same_id else f"fwd{index}"})
    for index in range(garbage):
        text = " ".join(rng.choices(GARBAGE, k=rng.randint(1, 3)))
        posts.append(_sms(f"x{index}", text, sender=f"2665{index:07d}"))
    rng.shuffle(posts)
    return posts, valid


def _sms(message_id: str, content: str, sender: str = "MPESA") -> dict[str, Any]:
    now_ms = int(time.time() * 1000)
    return {
        "id": message_id,
        "from": sender,
        "content": content,
        "sms_sent": now_ms,
        "sms_received": now_ms,
    }


async def post_all(
    base: str, posts: list[dict[str, Any]], clients: int
) -> tuple[list[float], Counter[str], float]:
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for post in posts:
        queue.put_nowait(post)
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            post = queue.get_nowait()
            started = time.perf_counter()
            answer = await http.post(
                "/api/sms/incoming", json={"messages": [post]}, headers={"X-Gateway-Key": KEY}
            )
            latencies.append(time.perf_counter() - started)
            answer.raise_for_status()
            outcomes.update(result["outcome"] for result in answer.json()["results"])

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return latencies, outcomes, elapsed


def wait_for_drain(url: str, timeout: float = 600) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as connection:
        while True:
            counts = dict(
                connection.execute("SELECT status, count(*) FROM credit_outbox GROUP BY status")
            )
            if counts.get("pending", 0) == 0 or time.perf_counter() - started > timeout:
                return time.perf_counter() - started, counts
            time.sleep(0.25)


def floor_rate(url: str, rows: int, connections: int) -> float:
    """Rows/s of `INSERT` of one row then `COMMIT`, on `connections` connections at once."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS bench_floor (id bigserial, body text)")
    per_thread = rows // connections

    def insert() -> None:
        with psycopg.connect(url) as connection:
            for index in range(per_thread):
                connection.execute("INSERT INTO bench_floor (body) VALUES (%s)", (f"sms {index}",))
                connection.commit()

    threads = [threading.Thread(target=insert) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per_thread * connections / (time.perf_counter() - started)


def check(url: str, koios: FakeKoios, posts: list[dict[str, Any]], valid: int) -> list[str]:
    problems = []
    with psycopg.connect(url) as connection:
        ledger = connection.execute(
            "SELECT p.id, p.reference, p.electricity_minor, a.account_number FROM payments p"
            " JOIN accounts a ON a.id = p.account_id"
        ).fetchall()
    references = Counter(reference for _, reference, _, _ in ledger)
    expected = {post["content"].split(" ", 1)[0] for post in posts if post["from"] == "MPESA"}
    if set(references) != expected or any(n != 1 for n in references.values()):
        problems.append(f"ledger: {len(references)} references for {len(expected)} payments")
    if len(ledger) != valid:
        problems.append(f"ledger holds {len(ledger)} payments, {valid} were sent")
    credits = dict(koios.credits)
    if set(credits) != {str(row[0]) for row in ledger}:
        problems.append(f"platform holds {len(credits)} credits for {len(ledger)} payments")
    for payment_id, _, electricity, number in ledger:
        credit = credits.get(str(payment_id))
        if credit is not None and (
            credit.customer_code != number or credit.amount != f"{electricity / 100:.2f}"
        ):
            problems.append(f"credit {payment_id} is {credit.amount} for {credit.customer_code}")
    created = [r for r in koios.credit_requests()]
    return problems + ([] if created else ["the platform saw no credit requests"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--failure-rate", type=float, default=0.3)
    parser.add_argument("--floor-rows", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(20261124)
    with admin_server() as admin_url, scratch_database(admin_url) as url, FakeKoios() as koios:
        accounts = prepare(url, rng)
        posts, valid = messages(args.messages, accounts, rng)
        koios.fail(args.failure_rate, seed=7)
        port = free_port()
        env = {
            **os.environ,
            "GRIDCARE_COUNTRY": "ls",
            "GRIDCARE_DATABASE_URL": url,
            "GRIDCARE_SMS_GATEWAY_KEYS": KEY,
            "GRIDCARE_KOIOS_URL": koios.url,
            "GRIDCARE_KOIOS_API_KEY": koios.api_key,
            "GRIDCARE_KOIOS_API_SECRET": koios.api_secret,
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.payments_ingest:make_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base)
            latencies, outcomes, elapsed = asyncio.run(post_all(base, posts, args.clients))
            drain_seconds, outbox = wait_for_drain(url)
            cpu = psutil.Process(server.pid).cpu_times()
            server_cpu = cpu.user + cpu.system
        finally:
            server.terminate()
            server.wait(timeout=30)
        problems = check(url, koios, posts, valid)
        floor_one = floor_rate(url, args.floor_rows, 1)
        floor_many = floor_rate(url, args.floor_rows, args.clients)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    pushes = len(koios.credit_requests())
    print(
        f"messages {len(posts)} ({valid} distinct payments) from {args.clients} clients "
        f"in {elapsed:.1f} s; outcomes {dict(sorted(outcomes.items()))}"
    )
    print(
        f"ingest: {valid / elapsed:.0f} payments/s, {len(posts) / elapsed:.0f} messages/s; "
        f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )
    print(
        f"server process CPU: {server_cpu:.1f} s in all, "
        f"{server_cpu / len(posts) * 1000:.1f} ms per message (ingest and credit pushes)"
    )
    print(
        f"outbox drained {drain_seconds:.1f} s after the last post: {outbox}; platform calls "
        f"{pushes} (failure rate {args.failure_rate:.0%}), credits {len(koios.credits)}, "
        f"'already taken' answers {sum(koios.repeats.values())}"
    )
    print(
        f"floor (psycopg single-row INSERT+COMMIT): {floor_one:.0f} rows/s on 1 connection, "
        f"{floor_many:.0f} rows/s on {args.clients}"
    )
    print(
        "exactly once: "
        + (
            "OK, ledger and platform each hold every valid payment once"
            if not problems
            else "FAILED\n  " + "\n  ".join(problems)
        )
    )
    if problems:
        sys.exit(1)


def _wait_until_up(base: str, timeout: float = 60) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the country API at {base} did not start")


if __name__ == "__main__":
    main()
