"""Schemathesis over every operation of the gateway: never a 5xx, answers as documented.

The gateway runs in-process in front of the Lesotho and Benin APIs (in-process too, on their
test databases; Zambia's URL points nowhere), logged in as an employee who is superadmin in
both. The proxy's path parameters name Lesotho's customers as their example and the rollups'
months are real ones, so the examples phase goes all the way to the countries. Bounds and
checks: tests/support/fuzz.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis import Case
from schemathesis.python import asgi

from country_api.main import create_app as create_country_app
from country_api.resources import CountryResources
from country_api.startup import prepare_database
from federation_gateway.employees.service import upsert_employee
from federation_gateway.main import create_app
from gridcare.core.db import make_engine, unit_of_work
from tests.federation_gateway.conftest import PASSWORD, HostRouter, gateway_settings
from tests.support.countries import country_settings
from tests.support.databases import truncate_all
from tests.support.fuzz import SETTINGS, Tally, exercise, with_examples

ADMIN = "fuzzer"
COUNTRY_URLS = {"ls": "http://ls.test", "bn": "http://bn.test", "zm": "http://zm.test"}


def _document() -> dict[str, Any]:
    """The gateway's OpenAPI document (building the app connects to nothing)."""
    app = create_app(gateway_settings("postgresql://nowhere/gateway"))
    return with_examples(
        app.openapi(),
        path={"cc": "ls", "path": "customers"},
        query={"from": "2025-01", "to": "2025-06"},
    )


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture(scope="module")
def tally() -> Iterator[Tally]:
    tally = Tally()
    yield tally
    print(f"\ngateway schema fuzzing: {tally.summary()}")


@pytest.fixture(scope="module")
def gateway(gateway_database_url: str, country_database_urls: dict[str, str]) -> Iterator[FastAPI]:
    """The gateway → LS and BN country apps, their databases blank, one superadmin employee."""
    truncate_all(gateway_database_url)
    gateway_engine = make_engine(gateway_database_url, pool_size=2)
    with unit_of_work(gateway_engine) as session:
        upsert_employee(
            session=session,
            username=ADMIN,
            password=PASSWORD,
            roles={"LS": "superadmin", "BN": "superadmin"},
        )
    transport = HostRouter()
    app = create_app(
        gateway_settings(gateway_database_url, country_api_urls=COUNTRY_URLS),
        engine=gateway_engine,
        country_transport=transport,
    )
    countries = []
    for code in ("ls", "bn"):
        url = country_database_urls[code]
        truncate_all(url)
        resources = CountryResources.build(
            country_settings(code, url),
            engine=make_engine(url, pool_size=2),
            jwks_transport=httpx.ASGITransport(app=app),
        )
        prepare_database(resources)  # what the country's lifespan does at start-up
        country = create_country_app(resources)
        transport.add(f"{code}.test", country)
        countries.append(country)
    try:
        yield app
    finally:
        asgi.shutdown_lifespans()  # the gateway's lifespan ran on schemathesis' event loop
        for country in countries:
            country.state.resources.engine.dispose()
        gateway_engine.dispose()


@pytest.fixture(scope="module")
def fuzz_headers(gateway: FastAPI) -> dict[str, str]:
    with asgi.get_client(gateway) as client:
        answer = client.post(
            "/auth/login", json={"username": ADMIN, "password": PASSWORD, "country": "ls"}
        )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@schema.parametrize()
@SETTINGS
def test_no_server_error_and_answers_as_documented(
    case: Case, gateway: FastAPI, fuzz_headers: dict[str, str], tally: Tally
) -> None:
    exercise(case, app=gateway, headers=fuzz_headers, tally=tally)
