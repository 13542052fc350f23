"""Three real country APIs (LS, BN, ZM; each its own database) as uvicorn servers on free ports,
behind an in-process gateway that reaches them over real HTTP. Each country server is wrapped
so a test can count its report calls, slow it down, or stop it."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import shutil
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

from federation_gateway.cache import Cache, MemoryCache, RedisCache
from federation_gateway.config import Settings
from federation_gateway.employees.service import upsert_employee
from federation_gateway.fx.models import MonthlyRate
from federation_gateway.fx.service import store_rates
from federation_gateway.main import create_app
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import make_engine, unit_of_work
from gridcare.core.paths import CONFIG_DIR
from tests.support.countries import country_app, running
from tests.support.databases import truncate_all
from tests.support.waiting import eventually_blocking

PASSWORD = "correct horse battery"
COUNTRY_TIMEOUT_SECONDS = 3.0
"""Long enough for a loaded 2-core test machine; the slow country is made slower still."""


class Controlled:
    """Wraps a country app: counts `/api/om-report` calls and holds them when told to."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.report_calls = 0
        self._released = threading.Event()
        self._released.set()

    def hold(self) -> None:
        """Report calls wait (past any caller's deadline) until `release()`."""
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope["path"]).startswith("/api/om-report"):
            self.report_calls += 1
            if not self._released.is_set():
                await asyncio.to_thread(self._released.wait, 60)
        await self.app(scope, receive, send)


class CountryServer:
    def __init__(self, app: Controlled) -> None:
        self.app = app
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        eventually_blocking(
            lambda: self.server.started or not self.thread.is_alive(),
            within=20,
            message="the country server to start",
        )
        assert self.server.started, "the country server stopped while starting"

    def stop(self) -> None:
        """Stops the server: its port then refuses connections."""
        self.app.release()  # a held request would hold up the shutdown
        if self.thread.is_alive():
            self.server.should_exit = True
            self.thread.join(timeout=20)
        self.sock.close()


def short_timeout_config(tmp_path: Path) -> Path:
    """The real country files with `api.timeout_seconds` set to COUNTRY_TIMEOUT_SECONDS."""
    directory = tmp_path / "countries"
    directory.mkdir()
    for source in Path(CONFIG_DIR).glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        text, count = re.subn(
            r"timeout_seconds:\s*\S+", f"timeout_seconds: {COUNTRY_TIMEOUT_SECONDS}", text
        )
        assert count == 1, source
        (directory / source.name).write_text(text, encoding="utf-8")
    for extra in Path(CONFIG_DIR).iterdir():
        if extra.is_dir():
            shutil.copytree(extra, directory / extra.name)
    return directory


def seed_payments(url: str, *, currency: str, payments: list[tuple[str, str, int]]) -> None:
    """`payments`: (account label, paid day `2025-01-15`, amount in minor units). One customer
    and account per label, connected on 2025-01-05 at the country's first site (a test site
    when the country file lists none)."""
    with psycopg.connect(url, autocommit=True) as connection:
        site = connection.execute("SELECT code FROM sites ORDER BY code LIMIT 1").fetchone()
        if site is None:  # Zambia's file lists no sites yet
            site = connection.execute(
                "INSERT INTO sites (code, name, meter_platform)"
                " VALUES ('TST', 'Test site', 'onemeter') RETURNING code"
            ).fetchone()
            assert site is not None
        accounts: dict[str, int] = {}
        for label, paid_day, amount_minor in payments:
            if label not in accounts:
                customer = connection.execute(
                    "INSERT INTO customers (first_name, site_code, connected_at)"
                    " VALUES (%s, %s, '2025-01-05') RETURNING id",
                    (label, site[0]),
                ).fetchone()
                assert customer is not None
                account = connection.execute(
                    "INSERT INTO accounts (account_number, customer_id, site_code, sequence)"
                    " VALUES (%s, %s, %s, %s) RETURNING id",
                    (f"T{len(accounts) + 1}", customer[0], site[0], len(accounts) + 1),
                ).fetchone()
                assert account is not None
                accounts[label] = account[0]
            connection.execute(
                "INSERT INTO payments (account_id, provider, reference, amount_minor, currency,"
                " electricity_minor, paid_at, source) VALUES (%s, 'test', %s, %s, %s, %s, %s,"
                " 'test')",
                (
                    accounts[label],
                    uuid.uuid4().hex,
                    amount_minor,
                    currency,
                    amount_minor,
                    dt.datetime.fromisoformat(f"{paid_day}T12:00:00+00:00"),
                ),
            )


TEST_SOURCE = "test: hand-made rates"
TEST_RATES = {
    # currency: {month: USD per unit}; LSL follows ZAR and XOF follows EUR through the pegs.
    "ZAR": {"2025-01": "0.05", "2025-02": "0.055", "2025-03": "0.06"},
    "EUR": {"2025-01": "1.10", "2025-02": "1.05"},  # no March: BN's March stays unconverted
    "ZMW": {"2025-01": "0.04", "2025-02": "0.04", "2025-03": "0.035"},
}


def test_rates() -> list[MonthlyRate]:
    return [
        MonthlyRate(currency, dt.date.fromisoformat(f"{month}-01"), Decimal(value), TEST_SOURCE)
        for currency, months in TEST_RATES.items()
        for month, value in months.items()
    ]


def test_cache() -> Cache:
    """Redis (GRIDCARE_TEST_REDIS_URL) under a prefix of its own, else the in-process cache."""
    url = os.environ.get("GRIDCARE_TEST_REDIS_URL")
    if url:
        return RedisCache(url, prefix=f"gridcare:test:{uuid.uuid4().hex}")
    return MemoryCache()


@dataclass
class Federation3:
    client: httpx.AsyncClient
    servers: dict[str, CountryServer]
    issuer: TokenIssuer
    gateway_db: str
    headers: dict[str, str] = field(default_factory=dict)

    def app(self, slug: str) -> Controlled:
        return self.servers[slug].app

    async def login(self, username: str, country: str = "LS") -> dict[str, str]:
        answer = await self.client.post(
            "/auth/login", json={"username": username, "password": PASSWORD, "country": country}
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params, headers=self.headers)


@pytest.fixture
def country_dbs(country_database_urls: dict[str, str]) -> dict[str, str]:
    urls = {code: country_database_urls[code] for code in ("ls", "bn", "zm")}
    for url in urls.values():
        truncate_all(url)
    return urls


@pytest.fixture
def country_servers(
    country_dbs: dict[str, str],
) -> Iterator[tuple[TokenIssuer, dict[str, CountryServer]]]:
    issuer = TokenIssuer.generate()
    servers = {
        code: CountryServer(Controlled(country_app(code, url, issuer)))
        for code, url in country_dbs.items()
    }
    try:
        for server in servers.values():
            server.start()
        seed_payments(
            country_dbs["ls"],
            currency="LSL",
            payments=[
                ("a", "2025-01-15", 100000),
                ("b", "2025-02-10", 50000),
                ("a", "2025-02-20", 25050),
                ("a", "2025-03-15", 20000),
            ],
        )
        seed_payments(
            country_dbs["bn"],
            currency="XOF",
            payments=[
                ("c", "2025-01-15", 655957),
                ("c", "2025-02-15", 1311914),
                ("c", "2025-03-15", 100000),
            ],
        )
        seed_payments(
            country_dbs["zm"],
            currency="ZMW",
            payments=[("d", "2025-01-15", 100000), ("d", "2025-02-15", 250000)],
        )
        for code, server in servers.items():  # first reports apply the seeded rollup work
            token = issuer.issue(username="warm-up", country=code, role="viewer")
            warm = httpx.get(
                f"{server.url}/api/om-report/revenue",
                params={"from": "2025-01", "to": "2025-03"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            assert warm.status_code == 200, warm.text
            server.app.report_calls = 0
        yield issuer, servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture
async def federation3(
    gateway_db: str,
    country_servers: tuple[TokenIssuer, dict[str, CountryServer]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Federation3]:
    issuer, servers = country_servers
    monkeypatch.setenv("GRIDCARE_FX_SEED_SHIPPED_FILE", "false")  # the test's rates, no others
    engine = make_engine(gateway_db, pool_size=2)
    with unit_of_work(engine) as session:
        upsert_employee(
            session=session,
            username="rm",
            password=PASSWORD,
            roles={"LS": "regional_manager", "BN": "regional_manager", "ZM": "viewer"},
        )
        store_rates(session=session, rates=test_rates())
    settings = Settings(
        gateway_database_url=SecretStr(gateway_db),
        gateway_signing_key=SecretStr(json.dumps(issuer.key.as_dict(private=True))),
        country_api_urls={slug: server.url for slug, server in servers.items()},
        config_dir=short_timeout_config(tmp_path),
    )
    cache = test_cache()
    gateway = create_app(settings, engine=engine, rollup_cache=cache)
    async with running(gateway, base_url="http://gateway") as client:
        federation = Federation3(client, servers, issuer, gateway_db)
        federation.headers = await federation.login("rm")
        yield federation
    await cache.close()


AddUser = Callable[..., None]
