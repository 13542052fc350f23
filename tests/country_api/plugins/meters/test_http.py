"""How platform answers map onto errors, independent of any platform."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from country_api.plugins.meters._http import retry_after_seconds, status_error
from country_api.plugins.meters.protocol import RateLimited
from gridcare.core.money import major_string


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (502, True), (408, True), (400, False), (422, False)]
)
def test_status_classification(status: int, retryable: bool) -> None:
    error = status_error("koios", httpx.Response(status), "why")

    assert error.retryable is retryable
    assert str(error) == f"koios: HTTP {status}: why"


def test_retry_after_in_seconds_or_as_a_date() -> None:
    in_a_minute = email.utils.formatdate(time.time() + 60, usegmt=True)

    seconds = status_error("koios", httpx.Response(429, headers={"Retry-After": "7"}), "")
    dated = retry_after_seconds(httpx.Response(429, headers={"Retry-After": in_a_minute}))

    assert isinstance(seconds, RateLimited)
    assert seconds.retry_after == 7
    assert dated is not None and 55 <= dated <= 60
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    assert retry_after_seconds(httpx.Response(429)) is None


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [(12550, "LSL", "125.50"), (5000, "XOF", "5000"), (1, "ZMW", "0.01"), (100, "LSL", "1.00")],
)
def test_amounts_in_major_units(minor: int, currency: str, text: str) -> None:
    assert major_string(minor, currency) == text
