"""Gateway fixtures: a migrated gateway database, employees, and a gateway in front of real
country apps (in-process), the country apps verifying tokens against this gateway's JWKS."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from country_api.main import create_app as create_country_app
from country_api.resources import CountryResources
from federation_gateway.config import Settings
from federation_gateway.employees.models import Employee
from federation_gateway.employees.service import upsert_employee
from federation_gateway.main import create_app
from federation_gateway.migrate import upgrade
from gridcare.core.db import make_engine
from tests.support.countries import country_settings, running
from tests.support.databases import DatabaseFactory, truncate_all

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def gateway_database_url(databases: DatabaseFactory) -> str:
    return databases.create("gateway", migrate=upgrade)


@pytest.fixture
def gateway_db(gateway_database_url: str) -> str:
    """The migrated gateway database, emptied before each test."""
    truncate_all(gateway_database_url)
    return gateway_database_url


@pytest.fixture
def gateway_engine(gateway_db: str) -> Iterator[Engine]:
    engine = make_engine(gateway_db, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def session(gateway_engine: Engine) -> Iterator[Session]:
    with Session(gateway_engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def add_employee(session: Session) -> Callable[..., Employee]:
    def _add(
        username: str = "thabo", roles: dict[str, str] | None = None, password: str = PASSWORD
    ) -> Employee:
        employee = upsert_employee(
            session=session,
            username=username,
            password=password,
            roles={"LS": "finance"} if roles is None else roles,
        )
        session.commit()  # visible to the app under test, which has its own connections
        return employee

    return _add


def gateway_settings(database_url: str, **overrides: Any) -> Settings:
    return Settings(gateway_database_url=database_url, **overrides)


class HostRouter(httpx.AsyncBaseTransport):
    """Sends each request to the in-process app registered for its host (`ls.test` → LS app)."""

    def __init__(self) -> None:
        self.transports: dict[str, httpx.ASGITransport] = {}

    def add(self, host: str, app: FastAPI) -> None:
        self.transports[host] = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self.transports.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError(f"no app at {request.url.host}", request=request)
        return await transport.handle_async_request(request)


@dataclass
class Federation:
    gateway: FastAPI
    client: httpx.AsyncClient
    countries: dict[str, FastAPI]

    async def login(self, username: str, country: str, password: str = PASSWORD) -> str:
        answer = await self.client.post(
            "/auth/login", json={"username": username, "password": password, "country": country}
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])


@pytest.fixture
async def gateway_client(gateway_db: str) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway alone (no country reachable); enough for login and JWKS."""
    app = create_app(gateway_settings(gateway_db), engine=make_engine(gateway_db, pool_size=2))
    async with running(app, base_url="http://gateway") as client:
        yield client


@pytest.fixture
async def federation(gateway_db: str, ls_db: str, bn_db: str) -> AsyncIterator[Federation]:
    """Gateway → LS and BN country apps on their real databases. ZM's URL points nowhere."""
    urls = {"ls": "http://ls.test", "bn": "http://bn.test", "zm": "http://zm.test"}
    transport = HostRouter()
    gateway = create_app(
        gateway_settings(gateway_db, country_api_urls=urls),
        engine=make_engine(gateway_db, pool_size=2),
        country_transport=transport,
    )
    jwks = httpx.ASGITransport(app=gateway)
    countries = {
        code: create_country_app(
            CountryResources.build(
                country_settings(code, url),
                engine=make_engine(url, pool_size=2),
                jwks_transport=jwks,
            )
        )
        for code, url in (("ls", ls_db), ("bn", bn_db))
    }
    for code, app in countries.items():
        transport.add(f"{code}.test", app)
    async with AsyncExitStack() as stack:
        for app in countries.values():
            await stack.enter_async_context(running(app))
        client = await stack.enter_async_context(running(gateway, base_url="http://gateway"))
        yield Federation(gateway=gateway, client=client, countries=countries)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
