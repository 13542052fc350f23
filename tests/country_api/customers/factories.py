"""Plain factories for customers and meters, shared by the customers, meters and audit tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from country_api.customers.schemas import CustomerCreate
from country_api.customers.service import Registration, create_customer
from country_api.sites.service import sync_sites
from gridcare.core.db import make_engine, unit_of_work
from tests.support.countries import country_settings

Auth = Callable[..., dict[str, str]]


@pytest.fixture
def ls_engine(ls_db: str) -> Iterator[Engine]:
    """An engine on the blank Lesotho database, its sites synced from the country file."""
    engine = make_engine(ls_db, pool_size=5)
    with unit_of_work(engine) as session:
        sync_sites(session=session, country=country_settings("ls", ls_db).country)
    yield engine
    engine.dispose()


def customer_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "first_name": "Palesa",
        "last_name": "Mokoena",
        "phone": "5812 3456",
        "national_id": "LS-0012345",
        "customer_type": "household",
        "site_code": "MAK",
    }
    payload.update(overrides)
    return payload


def register(engine: Engine, actor: str = "tester", **overrides: Any) -> Registration:
    with unit_of_work(engine) as session:
        data = CustomerCreate(**customer_payload(**overrides))
        return create_customer(session=session, actor=actor, country="LS", data=data)


async def post_customer(client: httpx.AsyncClient, auth: Auth, **overrides: Any) -> dict[str, Any]:
    answer = await client.post(
        "/api/customers", json=customer_payload(**overrides), headers=auth(role="customer_care")
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def post_meter(
    client: httpx.AsyncClient,
    auth: Auth,
    meter_id: str,
    account_number: str,
    role: str = "primary",
    platform: str = "sparkmeter",
) -> httpx.Response:
    return await client.post(
        "/api/meters",
        json={
            "meter_id": meter_id,
            "account_number": account_number,
            "role": role,
            "platform": platform,
        },
        headers=auth(role="onm"),
    )
