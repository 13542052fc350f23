"""Log-in through the gateway: too many failures → 429 with Retry-After, shared via Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import redis

from federation_gateway.employees.models import Employee
from federation_gateway.main import create_app
from gridcare.core.db import make_engine
from tests.federation_gateway.conftest import PASSWORD, gateway_settings
from tests.support.countries import running


@asynccontextmanager
async def gateway(database_url: str, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = gateway_settings(database_url, login_max_failures=3, **overrides)
    app = create_app(settings, engine=make_engine(database_url, pool_size=1))
    async with running(app, base_url="http://gateway") as client:
        yield client


async def _attempt(client: httpx.AsyncClient, username: str, password: str) -> int:
    body = {"username": username, "password": password, "country": "ls"}
    return (await client.post("/auth/login", json=body)).status_code


@pytest.fixture
def username(add_employee: Callable[..., Employee], redis_url: str) -> Iterator[str]:
    """A fresh employee; a unique name so runs sharing one Redis never meet."""
    name = f"user-{uuid.uuid4().hex[:10]}"
    add_employee(name)
    yield name
    with redis.Redis.from_url(redis_url) as client:
        client.delete(f"gridcare:gateway:login:user:{name}")


async def test_after_too_many_failures_even_the_right_password_waits(
    gateway_db: str, username: str, add_employee: Callable[..., Employee]
) -> None:
    add_employee("bystander")
    async with gateway(gateway_db) as client:
        assert [await _attempt(client, username, "wrong-password") for _ in range(3)] == [401] * 3
        refused = await client.post(
            "/auth/login", json={"username": username, "password": PASSWORD, "country": "ls"}
        )
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "login_locked"
        assert 0 < int(refused.headers["Retry-After"]) <= 900
        assert await _attempt(client, "bystander", PASSWORD) == 200


async def test_a_successful_login_clears_the_count(gateway_db: str, username: str) -> None:
    async with gateway(gateway_db) as client:
        for _ in range(2):
            assert await _attempt(client, username, "wrong-password") == 401
        assert await _attempt(client, username, PASSWORD) == 200
        for _ in range(2):
            assert await _attempt(client, username, "wrong-password") == 401
        assert await _attempt(client, username.upper(), PASSWORD) == 200


async def test_with_redis_the_count_is_shared_by_gateway_instances(
    gateway_db: str, username: str, redis_url: str
) -> None:
    async with (
        gateway(gateway_db, redis_url=redis_url) as first,
        gateway(gateway_db, redis_url=redis_url) as second,
    ):
        assert await _attempt(first, username, "wrong-password") == 401
        assert await _attempt(second, username, "wrong-password") == 401
        assert await _attempt(first, username, "wrong-password") == 401
        assert await _attempt(second, username, PASSWORD) == 429
    with redis.Redis.from_url(redis_url) as client:
        assert 0 < client.ttl(f"gridcare:gateway:login:user:{username}") <= 900


async def test_a_redis_outage_never_blocks_logins(gateway_db: str, username: str) -> None:
    async with gateway(gateway_db, redis_url="redis://127.0.0.1:1/0") as client:
        for _ in range(4):
            assert await _attempt(client, username, "wrong-password") == 401
        assert await _attempt(client, username, PASSWORD) == 200


async def test_zero_disables_the_throttle(gateway_db: str, username: str) -> None:
    settings = gateway_settings(gateway_db, login_max_failures=0)
    app = create_app(settings, engine=make_engine(gateway_db, pool_size=1))
    async with running(app, base_url="http://gateway") as client:
        for _ in range(5):
            assert await _attempt(client, username, "wrong-password") == 401
        assert await _attempt(client, username, PASSWORD) == 200
