"""Fake external platforms: small real HTTP servers on 127.0.0.1 speaking documented formats."""

from tests.fakes.koios import FakeKoios, HistoricalRow
from tests.fakes.server import FakeServer, RecordedRequest, Reply
from tests.fakes.thundercloud import FakeThunderCloud

__all__ = [
    "FakeKoios",
    "FakeServer",
    "FakeThunderCloud",
    "HistoricalRow",
    "RecordedRequest",
    "Reply",
]
