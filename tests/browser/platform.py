"""The real platform for browser tests: gateway + Lesotho + Benin as uvicorn servers on free
ports, Zambia configured but stopped, demo data, an admin, and the built portal."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, text

from country_api.main import create_app as create_country_app
from country_api.metering.partitions import ensure_partitions
from country_api.migrate import upgrade as upgrade_country
from country_api.payments.models import ManualPayment
from country_api.payments.service import record_manual_payment
from country_api.resources import CountryResources
from federation_gateway.config import Settings as GatewaySettings
from federation_gateway.employees.service import upsert_employee
from federation_gateway.fx.models import MonthlyRate
from federation_gateway.fx.service import store_rates
from federation_gateway.main import create_app as create_gateway_app
from federation_gateway.migrate import upgrade as upgrade_gateway
from gridcare.core.countries import load_country
from gridcare.core.db import make_engine as make_country_engine
from gridcare.core.db import make_engine as make_gateway_engine
from gridcare.core.db import unit_of_work
from gridcare.demo.payments import seed_payments
from gridcare.demo.seed import seed_country
from tests.support.countries import country_settings
from tests.support.databases import DatabaseFactory
from tests.support.waiting import eventually_blocking

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
ADMIN, ADMIN_PASSWORD = "admin", "browser-admin-password"
LS_ONLY, LS_ONLY_PASSWORD = "thabo", "thabo-finance-password"
LS_AGENT, LS_AGENT_PASSWORD = "lineo", "lineo-agent-password"
"""A Lesotho customer care agent (registers, signs contracts, deactivates)."""
LS_ONM, LS_ONM_PASSWORD = "teboho", "teboho-onm-password"
"""A Lesotho O&M technician (commissions, replaces meters)."""
SMS_GATEWAY_KEY = "browser-sms-gateway-key"
CONSUMPTION_DAYS = 40
CONSUMPTION = text(
    """
    INSERT INTO hourly_consumption (meter_pk, hour, account_id, role, kwh, source)
    SELECT m.meter_pk, h, m.account_id, m.role,
           round(CAST((0.02 + 0.3 * (1 + sin(extract(hour FROM h) / 3.82)) * random())
                      AS numeric), 6),
           'demo'
    FROM meter_assignments m
    CROSS JOIN generate_series(CAST(:first AS timestamptz), CAST(:last AS timestamptz),
                               interval '1 hour') h
    WHERE m.ended_at IS NULL AND m.role = 'primary' AND m.account_id IN
          (SELECT id FROM accounts ORDER BY account_number = :account DESC, id LIMIT 150)
    """
)
"""Made-up hourly kWh (an evening-heavy daily shape) for 150 accounts, the tested one first."""


@dataclass(frozen=True)
class Platform:
    url: str
    ls_account: str
    """A Lesotho account with a primary and a second meter, consumption and payments."""
    ls_customer_name: str
    bn_account: str
    """A Benin account to allocate an unmatched SMS to."""
    ls_database_url: str
    ls_api_url: str
    """The Lesotho API itself (SMS gateway posts with `SMS_GATEWAY_KEY`)."""


def listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def closed_port_url() -> str:
    """An address where nothing listens: the stopped country."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextmanager
def serving(app: FastAPI, sock: socket.socket) -> Iterator[None]:
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    eventually_blocking(
        lambda: server.started or not thread.is_alive(), within=30, message="a test server"
    )
    if not server.started:
        raise RuntimeError("a test server stopped while starting")
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def ensure_portal_built() -> None:
    """Builds frontend/dist when it is missing or older than a source file."""
    index = FRONTEND / "dist" / "index.html"
    sources = [
        *FRONTEND.joinpath("src").rglob("*"),
        FRONTEND / "index.html",
        FRONTEND / "vite.config.ts",
    ]
    newest = max(path.stat().st_mtime for path in sources if path.is_file())
    if index.is_file() and index.stat().st_mtime >= newest:
        return
    if not (FRONTEND / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    subprocess.run(["npx", "vite", "build", "--logLevel", "warn"], cwd=FRONTEND, check=True)


def seed_lesotho(engine: Engine) -> tuple[str, str]:
    """Demo customers and meters, then hourly consumption and payments for a few accounts."""
    country = load_country("ls")
    seed_country(engine=engine, country=country, steps=[])
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    first = now - dt.timedelta(days=CONSUMPTION_DAYS)
    with engine.begin() as connection:
        ensure_partitions(connection, first, now)
        account, name = connection.execute(
            text(
                "SELECT a.account_number, trim(c.first_name || ' ' || c.last_name) FROM accounts a"
                " JOIN customers c ON c.id = a.customer_id"
                " JOIN meter_assignments m ON m.account_id = a.id AND m.ended_at IS NULL"
                " GROUP BY a.id, c.id HAVING count(*) >= 2 ORDER BY a.account_number LIMIT 1"
            )
        ).one()
        connection.execute(
            CONSUMPTION,
            {"first": first, "last": now - dt.timedelta(hours=1), "account": account},
        )
    with unit_of_work(engine) as session:
        for days_ago, amount in ((50, "120.00"), (20, "85.50"), (2, "40.00")):
            record_manual_payment(
                session=session,
                country=country,
                data=ManualPayment(
                    account_number=account,
                    amount=Decimal(amount),
                    provider="mpesa_ls",
                    reference=f"BROWSER{days_ago}",
                    paid_at=now - dt.timedelta(days=days_ago),
                ),
                actor="browser-seed",
            )
    return str(account), str(name)


def seed_benin(engine: Engine) -> str:
    """Demo customers, meters, two years of payments and an inbox with unmatched messages."""
    seed_country(engine=engine, country=load_country("bn"), steps=[seed_payments])
    with engine.connect() as connection:
        query = "SELECT account_number FROM accounts WHERE closed_at IS NULL ORDER BY id LIMIT 1"
        return str(connection.execute(text(query)).scalar_one())


def prepare_gateway(gateway_url: str) -> None:
    """The admin (superadmin everywhere), a Lesotho-only finance user, and recent loti rates
    (the shipped FX file ends earlier; Benin's franc stays without a rate: a partial rollup)."""
    engine = make_gateway_engine(gateway_url, pool_size=1)
    today = dt.date.today()
    months = [
        dt.date(today.year - (n > today.month - 1), (today.month - 1 - n) % 12 + 1, 1)
        for n in range(12)
    ]
    try:
        with unit_of_work(engine) as session:
            rates = [
                MonthlyRate("LSL", month, Decimal("0.055"), "browser test") for month in months
            ]
            store_rates(session=session, rates=rates)
            known = ["LS", "BN", "ZM"]
            roles = dict.fromkeys(known, "superadmin")
            upsert_employee(
                session=session,
                username=ADMIN,
                password=ADMIN_PASSWORD,
                roles=roles,
                known_countries=known,
            )
            upsert_employee(
                session=session,
                username=LS_ONLY,
                password=LS_ONLY_PASSWORD,
                roles={"LS": "finance"},
                known_countries=known,
            )
            for username, password, role in (
                (LS_AGENT, LS_AGENT_PASSWORD, "customer_care"),
                (LS_ONM, LS_ONM_PASSWORD, "onm"),
            ):
                upsert_employee(
                    session=session,
                    username=username,
                    password=password,
                    roles={"LS": role},
                    known_countries=known,
                )
    finally:
        engine.dispose()


@contextmanager
def running_platform(databases: DatabaseFactory) -> Iterator[Platform]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        built = pool.submit(ensure_portal_built)
        # Alembic keeps global state: migrate one database at a time.
        gateway_db = databases.create("browser_gateway", migrate=upgrade_gateway)
        database_urls = {
            code: databases.create(f"browser_{code}", migrate=upgrade_country)
            for code in ("ls", "bn")
        }
        engines = {
            code: make_country_engine(url, pool_size=5) for code, url in database_urls.items()
        }
        seeded_ls = pool.submit(seed_lesotho, engines["ls"])
        seeded_bn = pool.submit(seed_benin, engines["bn"])
        prepare_gateway(gateway_db)
        account, name = seeded_ls.result()
        bn_account = seeded_bn.result()
        built.result()

    gateway_sock = listening_socket()
    gateway_url = f"http://127.0.0.1:{gateway_sock.getsockname()[1]}"
    sockets = {code: listening_socket() for code in engines}
    urls = {code: f"http://127.0.0.1:{s.getsockname()[1]}" for code, s in sockets.items()}
    gateway_engine = make_gateway_engine(gateway_db, pool_size=5)
    gateway = create_gateway_app(
        GatewaySettings(
            gateway_database_url=gateway_db,
            country_api_urls={**urls, "zm": closed_port_url()},
            frontend_dir=FRONTEND / "dist",
        ),
        engine=gateway_engine,
    )
    with ExitStack() as stack:
        stack.enter_context(serving(gateway, gateway_sock))
        for code, engine in engines.items():
            settings = country_settings(
                code,
                database_urls[code],
                jwks_url=f"{gateway_url}/.well-known/jwks.json",
                sms_gateway_keys=SMS_GATEWAY_KEY,
            )
            app = create_country_app(CountryResources.build(settings, engine=engine))
            stack.enter_context(serving(app, sockets[code]))
        yield Platform(
            url=gateway_url,
            ls_account=account,
            ls_customer_name=name,
            bn_account=bn_account,
            ls_database_url=database_urls["ls"],
            ls_api_url=urls["ls"],
        )
    for engine in [gateway_engine, *engines.values()]:
        engine.dispose()
