from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from federation_gateway.tokens import TokenIssuer
from tests.country_api.payments.factories import client_for, ls_app


@pytest.fixture
async def ls_pay(ls_db: str, issuer: TokenIssuer) -> AsyncIterator[httpx.AsyncClient]:
    """The Lesotho API with gateway keys set and the outbox worker left to the test."""
    async with client_for(ls_app(ls_db, issuer)) as client:
        yield client
