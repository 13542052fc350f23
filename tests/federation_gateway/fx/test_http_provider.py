"""The HTTP provider against a small real rates server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from federation_gateway.fx.http_provider import HttpFxProvider
from federation_gateway.fx.protocol import FxProviderError
from tests.fakes.server import FakeServer, RecordedRequest, Reply


class RatesService(FakeServer):
    """Speaks the documented shape: {"source", "rates": [{"currency", "month", "usd_per_unit"}]}."""

    def __init__(self) -> None:
        super().__init__()
        self.document: Any = {
            "source": "central-bank monthly averages",
            "rates": [
                {"currency": "ZAR", "month": "2025-01", "usd_per_unit": "0.0535"},
                {"currency": "ZMW", "month": "2025-01", "usd_per_unit": "0.0357", "source": "BoZ"},
            ],
        }

    def handle(self, request: RecordedRequest) -> Reply:
        return Reply(200, self.document)

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"error": message})


@pytest.fixture
def rates_service() -> Iterator[RatesService]:
    with RatesService() as service:
        yield service


def test_fetches_and_names_the_source(rates_service: RatesService) -> None:
    provider = HttpFxProvider(f"{rates_service.url}/rates")
    rates = provider.fetch(currencies=["zar", "zmw"], first=dt.date(2025, 1, 1))
    assert [(r.currency, r.usd_per_unit) for r in rates] == [
        ("ZAR", Decimal("0.0535")),
        ("ZMW", Decimal("0.0357")),
    ]
    assert rates[0].source == f"http:{rates_service.url}/rates: central-bank monthly averages"
    assert rates[1].source.endswith(": BoZ")
    query = rates_service.requests[-1].query
    assert query == {"currencies": ["ZAR,ZMW"], "from": ["2025-01"]}


def test_malformed_answers_and_outages_are_errors(rates_service: RatesService) -> None:
    provider = HttpFxProvider(f"{rates_service.url}/rates", timeout_seconds=2)
    rates_service.document = {"rates": [{"currency": "ZAR", "month": "2025-01"}]}
    with pytest.raises(FxProviderError, match="malformed row"):
        provider.fetch()
    rates_service.document = [1, 2]
    with pytest.raises(FxProviderError, match="expected"):
        provider.fetch()
    rates_service.fail_next(1)
    with pytest.raises(FxProviderError, match="500"):
        provider.fetch()
    rates_service.stop()
    with pytest.raises(FxProviderError):
        provider.fetch()
