"""Conversion rules of one month's money, checked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from federation_gateway.fx.models import MonthlyRate
from federation_gateway.rollups.convert import money_row

MARCH = dt.date(2025, 3, 1)
RATES = {("LSL", MARCH): MonthlyRate("LSL", MARCH, Decimal("0.055"), "test")}


def test_a_month_with_a_rate_is_converted_and_rounded_half_even() -> None:
    row = money_row(MARCH, Decimal("12.50"), "LSL", RATES)
    assert (row["rate"], row["amount_usd"], row["missing_rate"]) == ("0.055", "0.69", False)


def test_money_without_a_rate_is_never_converted() -> None:
    row = money_row(MARCH, Decimal("100"), "ZMW", RATES)
    assert (row["rate"], row["amount_usd"], row["missing_rate"]) == (None, None, True)


def test_no_money_needs_no_rate() -> None:
    row = money_row(MARCH, Decimal("0.00"), "ZMW", RATES)
    assert (row["rate"], row["amount_usd"], row["missing_rate"]) == (None, "0.00", False)
