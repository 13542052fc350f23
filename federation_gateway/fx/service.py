"""Stored rates: the gateway database is the one place rollups read rates from.

A month's rate, once a rollup has used it, is never changed silently: `store_rates` refuses a
different value for a used month unless `force=True`, and every change of a stored value (used
or not) is written to `fx_rate_changes` and logged.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy import tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from federation_gateway.fx.file_provider import FileFxProvider, xof_from_eur
from federation_gateway.fx.models import RATE_PLACES, FxRate, FxRateChange, MonthlyRate

log = logging.getLogger(__name__)

RateKey = tuple[str, dt.date]


@dataclass
class StoreReport:
    added: list[MonthlyRate] = field(default_factory=list)
    unchanged: list[MonthlyRate] = field(default_factory=list)
    changed: list[MonthlyRate] = field(default_factory=list)
    refused: list[MonthlyRate] = field(default_factory=list)
    """Different values for months already used by a rollup (kept as they were)."""


def with_pegs(rates: Iterable[MonthlyRate]) -> list[MonthlyRate]:
    """Add LSL (= ZAR) and XOF (= EUR / 655.957) for months the provider gave only the anchor."""
    given = list(rates)
    have = {(rate.currency, rate.month) for rate in given}
    derived = []
    for rate in given:
        if rate.currency == "ZAR" and ("LSL", rate.month) not in have:
            derived.append(
                MonthlyRate("LSL", rate.month, rate.usd_per_unit, f"{rate.source} (LSL = ZAR)")
            )
        if rate.currency == "EUR" and ("XOF", rate.month) not in have:
            derived.append(
                MonthlyRate(
                    "XOF",
                    rate.month,
                    xof_from_eur(rate.usd_per_unit),
                    f"{rate.source} (XOF = EUR / 655.957)",
                )
            )
    return given + derived


def store_rates(
    *, session: Session, rates: Iterable[MonthlyRate], force: bool = False
) -> StoreReport:
    report = StoreReport()
    incoming = {(rate.currency, rate.month): rate for rate in with_pegs(rates)}
    stored = (
        {
            (row.currency, row.month): row
            for row in session.exec(
                select(FxRate).where(tuple_(col(FxRate.currency), col(FxRate.month)).in_(incoming))
            )
        }
        if incoming
        else {}
    )
    for key, rate in sorted(incoming.items()):
        value = rate.usd_per_unit.quantize(RATE_PLACES)
        row = stored.get(key)
        if row is None:
            session.add(
                FxRate(
                    currency=rate.currency, month=rate.month, usd_per_unit=value, source=rate.source
                )
            )
            report.added.append(rate)
        elif row.usd_per_unit == value:
            report.unchanged.append(rate)
        elif row.used_at is not None and not force:
            log.warning(
                "FX %s %s: refusing %s from %s, the stored %s (%s) was used on %s",
                rate.currency,
                f"{rate.month:%Y-%m}",
                value,
                rate.source,
                row.usd_per_unit,
                row.source,
                row.used_at,
            )
            report.refused.append(rate)
        else:
            log.warning(
                "FX %s %s: %s (%s) replaced by %s (%s)%s",
                rate.currency,
                f"{rate.month:%Y-%m}",
                row.usd_per_unit,
                row.source,
                value,
                rate.source,
                ", forced although used" if row.used_at else "",
            )
            session.add(
                FxRateChange(
                    currency=rate.currency,
                    month=rate.month,
                    old_usd_per_unit=row.usd_per_unit,
                    new_usd_per_unit=value,
                    old_source=row.source,
                    new_source=rate.source,
                    was_used=row.used_at is not None,
                )
            )
            row.usd_per_unit = value
            row.source = rate.source
            row.stored_at = dt.datetime.now(dt.UTC)
            session.add(row)
            report.changed.append(rate)
    session.flush()
    return report


def seed_missing(*, session: Session, rates: Iterable[MonthlyRate]) -> int:
    """Insert rates for months not stored yet; never touches a stored month. Returns the count."""
    values = [
        {
            "currency": r.currency,
            "month": r.month,
            "usd_per_unit": r.usd_per_unit,
            "source": r.source,
        }
        for r in with_pegs(rates)
    ]
    if not values:
        return 0
    statement = (
        insert(FxRate).values(values).on_conflict_do_nothing().returning(col(FxRate.currency))
    )
    added = len(session.execute(statement).all())
    return added


def seed_shipped_file(*, session: Session) -> int:
    return seed_missing(session=session, rates=FileFxProvider().load())


def find_rates(*, session: Session, keys: Collection[RateKey]) -> dict[RateKey, MonthlyRate]:
    if not keys:
        return {}
    rows = session.exec(
        select(FxRate).where(tuple_(col(FxRate.currency), col(FxRate.month)).in_(list(keys)))
    )
    return {(row.currency, row.month): row.as_rate() for row in rows}


def mark_used(*, session: Session, keys: Collection[RateKey]) -> None:
    """Note that a rollup converted money with these rates (only the first use is recorded)."""
    if not keys:
        return
    session.execute(
        update(FxRate)
        .where(tuple_(col(FxRate.currency), col(FxRate.month)).in_(list(keys)))
        .where(col(FxRate.used_at).is_(None))
        .values(used_at=dt.datetime.now(dt.UTC))
    )


def list_rates(*, session: Session) -> list[FxRate]:
    return list(session.exec(select(FxRate).order_by(col(FxRate.currency), col(FxRate.month))))
