"""Stored rates: with their source, pegs filled in, and a used month never changed silently."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from federation_gateway.fx.file_provider import FileFxProvider
from federation_gateway.fx.models import FxRate, FxRateChange, MonthlyRate
from federation_gateway.fx.service import (
    find_rates,
    mark_used,
    seed_shipped_file,
    store_rates,
)

JAN = dt.date(2025, 1, 1)


def test_store_adds_pegged_currencies_with_their_source(session: Session) -> None:
    report = store_rates(
        session=session,
        rates=[
            MonthlyRate("ZAR", JAN, Decimal("0.054"), "SARB"),
            MonthlyRate("EUR", JAN, Decimal("1.0350"), "ECB"),
        ],
    )
    assert len(report.added) == 4
    rates = find_rates(session=session, keys={("LSL", JAN), ("XOF", JAN)})
    assert rates[("LSL", JAN)].usd_per_unit == Decimal("0.054")
    assert rates[("LSL", JAN)].source == "SARB (LSL = ZAR)"
    assert rates[("XOF", JAN)].usd_per_unit == Decimal(
        "0.001577847328"
    )  # 1.0350 / 655.957 = 0.00157784732840...


def test_unused_month_may_change_but_the_change_is_recorded(session: Session) -> None:
    store_rates(session=session, rates=[MonthlyRate("ZMW", JAN, Decimal("0.036"), "BoZ v1")])
    report = store_rates(
        session=session, rates=[MonthlyRate("ZMW", JAN, Decimal("0.037"), "BoZ v2")]
    )
    assert len(report.changed) == 1
    change = session.exec(select(FxRateChange)).one()
    assert (change.old_usd_per_unit, change.new_usd_per_unit) == (
        Decimal("0.036"),
        Decimal("0.037"),
    )
    assert change.was_used is False


def test_used_month_is_refused_unless_forced(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    store_rates(session=session, rates=[MonthlyRate("ZMW", JAN, Decimal("0.036"), "BoZ v1")])
    mark_used(session=session, keys={("ZMW", JAN)})
    revised = MonthlyRate("ZMW", JAN, Decimal("0.040"), "BoZ v2")
    with caplog.at_level(logging.WARNING):
        report = store_rates(session=session, rates=[revised])
    assert report.refused == [revised] and not report.changed
    assert "refusing" in caplog.text
    row = session.get(FxRate, ("ZMW", JAN))
    assert row is not None and (row.usd_per_unit, row.source) == (Decimal("0.036"), "BoZ v1")
    same = store_rates(session=session, rates=[MonthlyRate("ZMW", JAN, Decimal("0.036"), "again")])
    assert len(same.unchanged) == 1 and not same.refused

    forced = store_rates(session=session, rates=[revised], force=True)
    assert forced.changed == [revised]
    session.expire_all()
    row = session.get(FxRate, ("ZMW", JAN))
    assert row is not None and row.usd_per_unit == Decimal("0.040")
    change = session.exec(select(FxRateChange)).one()
    assert change.was_used is True and change.old_source == "BoZ v1"


def test_seeding_the_shipped_file_never_overwrites(session: Session) -> None:
    store_rates(
        session=session, rates=[MonthlyRate("EUR", dt.date(2024, 1, 1), Decimal("1.2"), "mine")]
    )
    added = seed_shipped_file(session=session)
    shipped = len(FileFxProvider().load())
    assert added == shipped - 2  # less EUR and its derived XOF for 2024-01, already stored
    eur = session.get(FxRate, ("EUR", dt.date(2024, 1, 1)))
    assert eur is not None and eur.usd_per_unit == Decimal("1.2")
    assert seed_shipped_file(session=session) == 0
