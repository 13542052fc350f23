"""Schemathesis over every operation of a country API: never a 5xx, answers as documented.

The Lesotho API runs in-process on the test database with a few rows to find (a customer with
an account and a primary meter, a payment, an SMS, a template, their audit rows); the
document's path parameters name those rows as examples, and the reports' periods real months,
so the examples phase reaches the code behind the 404s and 422s. Every request carries a
superadmin token, an SMS gateway key and the IoT key. Bounds and checks: tests/support/fuzz.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis import Case
from schemathesis.python import asgi

from federation_gateway.tokens import TokenIssuer
from tests.support.countries import bearer, country_app
from tests.support.databases import truncate_all
from tests.support.fuzz import SETTINGS, Tally, exercise, with_examples

GATEWAY_KEY = "fuzz-gateway-key"
IOT_KEY = "fuzz-iot-key"
SEEDED: dict[str, Any] = {  # what `seed` makes in a blank database (identities restart)
    "account_number": "0001MAK",
    "meter_id": "SM-1",
    "payment_id": 1,
    "template_id": 1,
    "message_id": 1,
    "mutation_id": 1,
    "name": "payments",
}


def _document() -> dict[str, Any]:
    """The API's OpenAPI document (building the app connects to nothing)."""
    app = country_app("ls", "postgresql://nowhere/ls", TokenIssuer.generate())
    return with_examples(
        app.openapi(), path=SEEDED, query={"from": "2025-01", "to": "2025-06", "quarter": "2025Q2"}
    )


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture(scope="module")
def tally() -> Iterator[Tally]:
    tally = Tally()
    yield tally
    print(f"\ncountry API schema fuzzing: {tally.summary()}")


@pytest.fixture(scope="module")
def fuzz_headers(issuer: TokenIssuer) -> dict[str, str]:
    return {**bearer(issuer), "X-Gateway-Key": GATEWAY_KEY, "X-IoT-Key": IOT_KEY}


@pytest.fixture(scope="module")
def country(
    country_database_urls: dict[str, str], issuer: TokenIssuer, fuzz_headers: dict[str, str]
) -> Iterator[FastAPI]:
    """The Lesotho API on its blank test database, with the rows of `SEEDED`."""
    url = country_database_urls["ls"]
    truncate_all(url)
    app = country_app("ls", url, issuer, sms_gateway_keys=GATEWAY_KEY, iot_key=IOT_KEY)
    try:
        assert seed(app, fuzz_headers) == SEEDED
        yield app
    finally:
        asgi.shutdown_lifespans()  # the app's lifespan ran on schemathesis' event loop
        app.state.resources.engine.dispose()


def seed(app: FastAPI, headers: dict[str, str]) -> dict[str, Any]:
    """A few rows, made through the API itself; the path parameters that name them."""
    with asgi.get_client(app) as client:
        client.headers.update(headers)

        def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            answer = client.post(path, json=body)
            assert answer.status_code in (200, 201), answer.text
            created: dict[str, Any] = answer.json()
            return created

        account_number = post("/api/customers", {"first_name": "Palesa", "site_code": "MAK"})[
            "account_number"
        ]
        post(
            "/api/meters",
            {"meter_id": "SM-1", "account_number": account_number, "platform": "sparkmeter"},
        )
        payment = post("/api/payments", {"account_number": account_number, "amount": "50"})
        template = post(
            "/api/sms/templates",
            {"name": "fuzz", "provider": "fuzz", "pattern": "paid {amount} ref {txn_id}"},
        )
        post("/api/sms/incoming", {"messages": [{"id": "1", "from": "MPESA", "content": "hi"}]})
        message = client.get("/api/sms/inbox").json()["items"][0]
        mutations = client.get("/api/mutations").json()["items"]
    return {
        "account_number": account_number,
        "meter_id": "SM-1",
        "payment_id": payment["id"],
        "template_id": template["id"],
        "message_id": message["id"],
        "mutation_id": min(mutation["id"] for mutation in mutations),
        "name": "payments",
    }


@schema.parametrize()
@SETTINGS
def test_no_server_error_and_answers_as_documented(
    case: Case, country: FastAPI, fuzz_headers: dict[str, str], tally: Tally
) -> None:
    exercise(case, app=country, headers=fuzz_headers, tally=tally)
