"""Rollup latency with three countries answering in known times, beside the slowest one alone.

    uv run python -m bench.rollups

Three small real country servers (uvicorn on free 127.0.0.1 ports) answer
`/api/om-report/revenue` in the documented shape after 50, 100 and 200 ms. The gateway runs
under uvicorn too, on a scratch gateway database (GRIDCARE_BENCH_DATABASE_URL, else
GRIDCARE_TEST_DATABASE_URL, else an embedded PostgreSQL) holding the bench user and synthetic
rates. Measured over real HTTP, p50/p95 of:
- floor: the slowest country asked directly (a concurrent fan-out cannot beat it);
- cold: `GET /api/global/revenue` with every cache of the three countries dropped first;
- cached: the same rollup again (answered from the cache, no country asked).
Prints the cold/floor ratio and the overhead in ms. The cache is in-process unless
GRIDCARE_REDIS_URL is set (then Redis, under a key prefix of this run).
GRIDCARE_BENCH_ROUNDS (default 20) scales it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import socket
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr
from sqlmodel import Session

from bench.customer_search import admin_server, scratch_database
from federation_gateway.config import Settings
from federation_gateway.employees.service import upsert_employee
from federation_gateway.fx.models import MonthlyRate
from federation_gateway.fx.service import store_rates
from federation_gateway.main import create_app
from federation_gateway.migrate import upgrade
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import make_engine

DELAYS_MS = {"ls": 50, "bn": 100, "zm": 200}
CURRENCIES = {"ls": "LSL", "bn": "XOF", "zm": "ZMW"}
MONTHS = ["2025-01", "2025-02", "2025-03"]
PASSWORD = "bench password 123"  # noqa: S105  (a throw-away bench user)


def fake_country(code: str, delay_ms: int) -> FastAPI:
    app = FastAPI()

    @app.get("/api/om-report/revenue")
    async def revenue() -> dict[str, Any]:
        await asyncio.sleep(delay_ms / 1000)
        series = [
            {
                "period": month,
                "revenue": "1000.00",
                "fees": "0.00",
                "payments": 10,
                "kwh_vended": "200.0000",
                "customers_cumulative": 10,
            }
            for month in MONTHS
        ]
        return {"currency": CURRENCIES[code], "series": series, "per_site": {}}

    return app


@contextmanager
def serving(app: Any) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def prepare(gateway_db: str) -> None:
    upgrade(gateway_db)
    engine = make_engine(gateway_db, pool_size=1)
    with Session(engine) as session:
        upsert_employee(
            session=session,
            username="bench",
            password=PASSWORD,
            roles={"LS": "regional_manager", "BN": "regional_manager", "ZM": "regional_manager"},
        )
        store_rates(
            session=session,
            rates=[
                MonthlyRate(c, dt.date.fromisoformat(f"{m}-01"), Decimal(v), "bench: synthetic")
                for c, v in (("ZAR", "0.055"), ("EUR", "1.08"), ("ZMW", "0.037"))
                for m in MONTHS
            ],
        )
    engine.dispose()


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(client: httpx.Client, url: str, **kwargs: Any) -> float:
    started = time.perf_counter()
    answer = client.get(url, **kwargs)
    elapsed = (time.perf_counter() - started) * 1000
    answer.raise_for_status()
    return elapsed


def measure(gateway: str, countries: dict[str, str], rounds: int) -> dict[str, list[float]]:
    query = {"from": MONTHS[0], "to": MONTHS[-1], "granularity": "quarter"}
    # A new connection per request: on this harness a reused keep-alive connection to a uvicorn
    # server stalls ~40 ms per request (delayed ACK), which would swamp what is measured here.
    fresh = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(timeout=30, limits=fresh) as client:
        login = client.post(
            f"{gateway}/auth/login",
            json={"username": "bench", "password": PASSWORD, "country": "LS"},
        )
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        slowest = max(DELAYS_MS, key=lambda code: DELAYS_MS[code])
        floor_url = f"{countries[slowest]}/api/om-report/revenue"
        results: dict[str, list[float]] = {"floor": [], "cold": [], "cached": []}
        for warm_up in (True, False):
            for _ in range(2 if warm_up else rounds):
                floor = timed(client, floor_url, params={**query, "granularity": "month"})
                for code in countries:
                    client.delete(f"{gateway}/api/global/cache/{code}", headers=headers)
                cold = timed(client, f"{gateway}/api/global/revenue", params=query, headers=headers)
                cached = timed(
                    client, f"{gateway}/api/global/revenue", params=query, headers=headers
                )
                if not warm_up:
                    results["floor"].append(floor)
                    results["cold"].append(cold)
                    results["cached"].append(cached)
        check = client.get(f"{gateway}/api/global/revenue", params=query, headers=headers).json()
        assert check["partial"] is False, json.dumps(check)[:500]
    return results


def main() -> None:
    rounds = int(os.environ.get("GRIDCARE_BENCH_ROUNDS", "20"))
    os.environ["GRIDCARE_CACHE_PREFIX"] = f"gridcare:bench:{uuid.uuid4().hex}"
    issuer = TokenIssuer.generate()
    with admin_server() as admin_url, scratch_database(admin_url) as gateway_db:
        prepare(gateway_db)
        with (
            serving(fake_country("ls", DELAYS_MS["ls"])) as ls,
            serving(fake_country("bn", DELAYS_MS["bn"])) as bn,
            serving(fake_country("zm", DELAYS_MS["zm"])) as zm,
        ):
            countries = {"ls": ls, "bn": bn, "zm": zm}
            settings = Settings(
                gateway_database_url=SecretStr(gateway_db),
                gateway_signing_key=SecretStr(json.dumps(issuer.key.as_dict(private=True))),
                country_api_urls=countries,
            )
            app = create_app(settings, engine=make_engine(gateway_db, pool_size=5))
            with serving(app) as gateway:
                results = measure(gateway, countries, rounds)
            app.state.resources.engine.dispose()
    backend = "Redis" if os.environ.get("GRIDCARE_REDIS_URL") else "in-process"
    print(
        f"rollup over 3 countries answering in {', '.join(f'{v} ms' for v in DELAYS_MS.values())}"
        f"; {rounds} rounds; cache: {backend}"
    )
    print(f"{'':28}{'p50 ms':>10}{'p95 ms':>10}")
    labels = {
        "floor": "slowest country alone",
        "cold": "rollup, cold (no cache)",
        "cached": "rollup, cached",
    }
    for name, label in labels.items():
        print(f"{label:28}{p(results[name], 0.5):>10.1f}{p(results[name], 0.95):>10.1f}")
    floor, cold, cached = (statistics.median(results[n]) for n in ("floor", "cold", "cached"))
    print(f"cold / floor = {cold / floor:.2f}x, overhead {cold - floor:.1f} ms (p50)")
    print(f"cached / floor = {cached / floor:.2f}x, {cached:.1f} ms (p50)")


if __name__ == "__main__":
    main()
