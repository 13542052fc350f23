"""Plain factories for the money-path tests: accounts, gateway posts, a running country app."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import psycopg
from fastapi import FastAPI

from federation_gateway.tokens import TokenIssuer
from tests.support.countries import country_app, running

GATEWAY_KEY = "gw-test-key"
OTHER_KEY = "gw-second-key"
GATEWAY = {"X-Gateway-Key": GATEWAY_KEY}
_ids = itertools.count(1000)


def add_account(
    url: str, account_number: str, *, phone: str | None = None, connected: bool = True
) -> int:
    """A customer with one account (`0252SHG`: sequence 252 at site SHG); the account id.

    Connected (commissioned, `connected_at` set) unless `connected=False`: payments of an
    account not connected yet go wholly to its fees."""
    site, sequence = account_number[-3:], int(account_number[:-3])
    with psycopg.connect(url, autocommit=True) as connection:
        customer_id = connection.execute(
            "INSERT INTO customers (first_name, last_name, phone, site_code, connected_at)"
            " VALUES ('Palesa', 'Mokoena', %s, %s, CASE WHEN %s THEN current_date END)"
            " RETURNING id",
            (phone, site, connected),
        ).fetchone()[0]  # type: ignore[index]
        account_id = connection.execute(
            "INSERT INTO accounts (account_number, customer_id, site_code, sequence)"
            " VALUES (%s, %s, %s, %s) RETURNING id",
            (account_number, customer_id, site, sequence),
        ).fetchone()[0]  # type: ignore[index]
    return int(account_id)


def sms(content: str, *, sender: str = "MPESA", id: str | None = None) -> dict[str, Any]:
    return {
        "id": id or str(next(_ids)),
        "from": sender,
        "content": content,
        "sms_sent": 1775804400000,
        "sms_received": 1775804401000,
    }


def mpesa(amount: str, *, txn: str, remark: str = "0252 SHG", phone: str = "26650000001") -> str:
    return (
        f"{txn} Confirmed. on 10/4/2026 at 9:00 AM\nM{amount} received from {phone}. "
        f"New M-Pesa balance is M500.00.\nReference: 987654321\nRemark: {remark}"
    )


def rows(url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as connection:
        return connection.execute(query, params).fetchall()  # type: ignore[arg-type]


def ls_app(url: str, issuer: TokenIssuer, **overrides: Any) -> FastAPI:
    overrides.setdefault("sms_gateway_keys", f"{GATEWAY_KEY},{OTHER_KEY}")
    return country_app("ls", url, issuer, **overrides)  # tests drive the workers themselves


@asynccontextmanager
async def client_for(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as client:
        yield client


async def post_sms(client: httpx.AsyncClient, *messages: dict[str, Any]) -> dict[str, Any]:
    answer = await client.post(
        "/api/sms/incoming", json={"messages": list(messages)}, headers=GATEWAY
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body
