"""Seed steps that run after the demo's customers and meters: the place to add more demo data.

`gridcare demo` seeds each country database in this order on every run:

1. sites, from the country file;
2. customers, accounts and meters (`gridcare.demo.customers`, `gridcare.demo.meters`), only
   when the database has no customers yet (`--reset` starts from empty databases);
3. every step in `SEED_STEPS`, in list order.

A step is a function called with keyword arguments only::

    def seed_payments(*, engine: Engine, country: CountryConfig, rng: random.Random) -> None:
        ...

- `engine`: a SQLAlchemy engine on the country's (migrated) database; open your own
  `gridcare.core.db.unit_of_work(engine)` or `engine.begin()`, which commit what you write.
- `country`: the country file (`country.code`, `country.currency`, `country.sites`, …).
- `rng`: a `random.Random` seeded from the country code and the step's name, so a step draws
  the same demo data on every machine and its draws do not shift when other steps change.

Rules for a step:
- Idempotent: it runs on every `gridcare demo`, so it must notice its data is already there
  (e.g. "any payments yet?") and then do nothing. Running the demo twice never duplicates.
- Fast: insert in bulk (`gridcare.demo.bulk.copy_rows`, `allocate_ids`), never row by row
  through the API; the whole seed should stay within a few seconds.
- Self-contained: read what earlier steps wrote (accounts, meters) from the database.
- A country may have no customers (Zambia): do nothing there.

To add one, write it in its own module under `gridcare/demo/` and append it to `SEED_STEPS`
below (payments before consumption-based steps that need balances, and so on).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from sqlalchemy import Engine

from gridcare.core.countries import CountryConfig
from gridcare.demo.consumption import seed_consumption
from gridcare.demo.payments import seed_payments

SeedStep = Callable[..., None]
"""`step(*, engine: Engine, country: CountryConfig, rng: random.Random) -> None`."""

SEED_STEPS: list[SeedStep] = [seed_consumption, seed_payments]


def step_rng(country: CountryConfig, step: SeedStep, seed: str = "gridcare-demo") -> random.Random:
    """The deterministic random source a step gets for a country."""
    name = getattr(step, "__qualname__", repr(step))
    return random.Random(f"{seed}:{country.code}:{getattr(step, '__module__', '')}.{name}")


StepErrorHandler = Callable[[SeedStep, Exception], None]


def run_steps(
    *,
    engine: Engine,
    country: CountryConfig,
    steps: list[SeedStep] | None = None,
    on_error: StepErrorHandler | None = None,
) -> None:
    """Run the steps in order. A failing step raises, or with `on_error` is reported and the
    next step runs (the demo still starts when, say, a data file for one step is missing)."""
    for step in SEED_STEPS if steps is None else steps:
        try:
            step(engine=engine, country=country, rng=step_rng(country, step))
        except Exception as error:
            if on_error is None:
                raise
            on_error(step, error)
