"""Draining the rollup queue every little while, so that a report right after a bulk import
does not pay for the whole import (reports still drain what is left first)."""

from __future__ import annotations

from sqlalchemy import Engine

from country_api.analytics.rollups import refresh_pending
from gridcare.core.countries import CountryConfig
from gridcare.core.db import unit_of_work


def drain_queue(engine: Engine, country: CountryConfig) -> int:
    """Recompute every queued rollup cell; the number of queue entries applied."""
    with unit_of_work(engine) as session:
        return refresh_pending(session=session, timezone=country.timezone)
