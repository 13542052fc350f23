"""Tariff resolution and the append-only tariff history.

The rate for a payment is the one of the most specific scope that has a row in effect at the
payment time: the customer's override, else the site's, else the country default. The country
default is seeded from the country file at start-up (and read from it when no row exists).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, or_, text
from sqlmodel import Session, col, select

from country_api.audit.service import record_mutation
from country_api.customers.models import Customer
from country_api.sites.models import Site
from country_api.tariffs.models import Tariff, TariffCreate, TariffPublic, TariffView
from gridcare.core.countries import CountryConfig
from gridcare.core.errors import InvalidInput, NotFound

SEED_EFFECTIVE_FROM = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CONFIG_ACTOR = "country-file"


def config_default(country: CountryConfig) -> Tariff | None:
    """The country file's default as an unsaved tariff (None when the country has no tariff)."""
    rate = country.tariff.default_rate_per_kwh
    if rate is None:
        return None
    return Tariff(
        rate_per_kwh=rate,
        currency=country.currency,
        effective_from=SEED_EFFECTIVE_FROM,
        created_by=CONFIG_ACTOR,
    )


def seed_country_default(*, session: Session, country: CountryConfig) -> None:
    """Insert the country file's default rate once, when no country-wide row exists yet."""
    seed = config_default(country)
    if seed is None:
        return
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('tariffs.seed'))"))
    existing = session.exec(
        select(Tariff.id).where(col(Tariff.site_code).is_(None), col(Tariff.customer_id).is_(None))
    ).first()
    if existing is None:
        seed.note = "seeded from the country file"
        session.add(seed)


def resolve_tariff(
    *,
    session: Session,
    country: CountryConfig,
    site_code: str,
    customer_id: int | None,
    at: dt.datetime,
) -> Tariff | None:
    scopes: list[ColumnElement[bool]] = [
        col(Tariff.site_code).is_(None) & col(Tariff.customer_id).is_(None)
    ]
    scopes.append((col(Tariff.site_code) == site_code) & col(Tariff.customer_id).is_(None))
    if customer_id is not None:
        scopes.append(col(Tariff.customer_id) == customer_id)
    statement = (
        select(Tariff)
        .where(col(Tariff.effective_from) <= at, or_(*scopes))
        .order_by(
            col(Tariff.customer_id).is_(None),
            col(Tariff.site_code).is_(None),
            col(Tariff.effective_from).desc(),
            col(Tariff.id).desc(),
        )
        .limit(1)
    )
    return session.exec(statement).first() or config_default(country)


def create_tariff(
    *, session: Session, country: CountryConfig, data: TariffCreate, actor: str
) -> Tariff:
    site_code = data.site_code.upper() if data.site_code else None
    if site_code is not None and data.customer_id is not None:
        raise InvalidInput.for_field("customer_id", "give a site or a customer, not both")
    if site_code is not None and session.get(Site, site_code) is None:
        raise InvalidInput.for_field("site_code", f"no site {site_code!r} in this country")
    if data.customer_id is not None and session.get(Customer, data.customer_id) is None:
        raise InvalidInput.for_field("customer_id", f"no customer {data.customer_id}")
    tariff = Tariff(
        site_code=site_code,
        customer_id=data.customer_id,
        rate_per_kwh=data.rate_per_kwh,
        currency=country.currency,
        effective_from=data.effective_from or dt.datetime.now(dt.UTC),
        created_by=actor,
        note=data.note,
    )
    session.add(tariff)
    session.flush()
    record_mutation(
        session=session,
        actor=actor,
        action="insert",
        table="tariffs",
        record_id=tariff.id,
        old=None,
        new=_values(tariff),
    )
    session.flush()
    session.refresh(tariff)
    return tariff


def tariff_view(
    *,
    session: Session,
    country: CountryConfig,
    site_code: str | None,
    customer_id: int | None,
) -> TariffView:
    """The rate in effect now for the asked scope, and the history of every scope it falls to."""
    if customer_id is not None:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(f"no customer {customer_id}")
        site_code = site_code or customer.site_code
    if site_code is not None:
        site_code = site_code.upper()
        if session.get(Site, site_code) is None:
            raise NotFound(f"no site {site_code!r} in this country")
    current = resolve_tariff(
        session=session,
        country=country,
        site_code=site_code or "",
        customer_id=customer_id,
        at=dt.datetime.now(dt.UTC),
    )
    scopes: list[ColumnElement[bool]] = [
        col(Tariff.site_code).is_(None) & col(Tariff.customer_id).is_(None)
    ]
    if site_code is not None:
        scopes.append((col(Tariff.site_code) == site_code) & col(Tariff.customer_id).is_(None))
    if customer_id is not None:
        scopes.append(col(Tariff.customer_id) == customer_id)
    history = session.exec(
        select(Tariff)
        .where(or_(*scopes))
        .order_by(col(Tariff.effective_from).desc(), col(Tariff.id).desc())
    )
    return TariffView(
        current=public(current) if current is not None else None,
        history=[public(row) for row in history],
    )


def public(tariff: Tariff) -> TariffPublic:
    return TariffPublic(
        id=tariff.id,
        scope=tariff.scope,
        site_code=tariff.site_code,
        customer_id=tariff.customer_id,
        rate_per_kwh=format(tariff.rate_per_kwh.normalize(), "f"),
        currency=tariff.currency,
        effective_from=tariff.effective_from,
        created_at=tariff.created_at if tariff.id is not None else None,
        created_by=tariff.created_by,
        note=tariff.note,
    )


def _values(tariff: Tariff) -> dict[str, Any]:
    return tariff.model_dump(exclude={"created_at"})
