"""Load a country's demo data into its migrated database, once (see `gridcare.demo.steps`)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import Engine, text

from country_api.sites.service import sync_sites
from gridcare.core.countries import CountryConfig
from gridcare.core.db import unit_of_work
from gridcare.demo.customers import insert_customers
from gridcare.demo.meters import insert_meters
from gridcare.demo.steps import SeedStep, StepErrorHandler, run_steps

DEMO_SEED = "gridcare-demo"
SEED_LOCK = 0x67_72_69_64  # advisory lock id: two demos seeding one database take turns


@dataclass(frozen=True)
class SeedReport:
    country: str
    customers_added: int
    meters_added: int


def seed_country(
    *,
    engine: Engine,
    country: CountryConfig,
    today: dt.date | None = None,
    steps: list[SeedStep] | None = None,
    on_step_error: StepErrorHandler | None = None,
) -> SeedReport:
    """Sites always; customers, accounts and meters only into an empty database; then the steps."""
    with unit_of_work(engine) as session:
        sync_sites(session=session, country=country)
    rng = random.Random(f"{DEMO_SEED}:{country.code}")
    customers = meters = 0
    with engine.begin() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (SEED_LOCK,))
        cursor.execute("SELECT EXISTS (SELECT 1 FROM customers)")
        row = cursor.fetchone()
        if row is not None and not row[0]:
            accounts = insert_customers(
                cursor, country=country, rng=rng, today=today or dt.date.today()
            )
            customers = len(accounts)
            meters = insert_meters(cursor, country=country, accounts=accounts, rng=rng)
    run_steps(engine=engine, country=country, steps=steps, on_error=on_step_error)
    return SeedReport(country=country.code, customers_added=customers, meters_added=meters)


def count_customers(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM customers")).scalar_one())
