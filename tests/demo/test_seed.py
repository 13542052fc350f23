"""The demo seed: realistic counts, valid account numbers, nothing duplicated on a second run.

Customers and meters are tested alone (`steps=[]`); each extra seed step (payments,
consumption) has its own tests, and `test_steps_run_after_customers…` checks how steps are run.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from country_api.migrate import upgrade
from gridcare.core.countries import load_country
from gridcare.core.db import make_engine
from gridcare.demo.customers import CUSTOMERS_PER_COUNTRY
from gridcare.demo.seed import seed_country
from tests.support.databases import DatabaseFactory

ACCOUNT_NUMBER = re.compile(r"^\d{4}[A-Z]{3}$")
LABELS = itertools.count()


@pytest.fixture
def engine_for(databases: DatabaseFactory) -> Iterator[dict[str, Engine]]:
    engines: dict[str, Engine] = {}

    class _Engines(dict[str, Engine]):
        def __missing__(self, code: str) -> Engine:
            url = databases.create(f"demo_{code}_{next(LABELS)}", migrate=upgrade)
            engines[code] = self[code] = make_engine(url, pool_size=2)
            return engines[code]

    yield _Engines()
    for engine in engines.values():
        engine.dispose()


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("sites", "customers", "accounts", "meters", "meter_assignments")
        }


def test_lesotho_seed_has_every_site_customers_accounts_and_meters(
    engine_for: dict[str, Engine],
) -> None:
    engine = engine_for["ls"]
    country = load_country("ls")
    report = seed_country(engine=engine, country=country, steps=[])

    total = CUSTOMERS_PER_COUNTRY["LS"]
    assert report.customers_added == total
    seeded = counts(engine)
    assert seeded["sites"] == len(country.sites) == 19
    assert seeded["customers"] == seeded["accounts"] == total
    with engine.connect() as connection:
        per_site = dict(
            connection.execute(text("SELECT site_code, count(*) FROM customers GROUP BY 1")).all()
        )
        numbers = connection.execute(
            text("SELECT account_number, site_code, sequence FROM accounts")
        ).all()
        roles = dict(
            connection.execute(
                text("SELECT role, count(*) FROM meter_assignments GROUP BY role")
            ).all()
        )
        open_primaries = connection.execute(
            text(
                "SELECT count(*) FROM accounts a WHERE a.closed_at IS NULL AND NOT EXISTS ("
                " SELECT 1 FROM meter_assignments m WHERE m.account_id = a.id"
                " AND m.role = 'primary' AND m.ended_at IS NULL)"
            )
        ).scalar_one()
        sequences = dict(
            connection.execute(
                text("SELECT site_code, last_value FROM site_account_sequences")
            ).all()
        )
        phones = connection.execute(
            text("SELECT phone FROM customers WHERE phone IS NOT NULL")
        ).scalars()
        terminated = connection.execute(
            text("SELECT count(*) FROM customers WHERE NOT active AND terminated_at IS NOT NULL")
        ).scalar_one()
        platforms = dict(
            connection.execute(
                text(
                    "SELECT a.site_code, min(m.platform) FROM meter_assignments ma"
                    " JOIN meters m ON m.id = ma.meter_pk JOIN accounts a ON a.id = ma.account_id"
                    " WHERE ma.role = 'primary' GROUP BY 1"
                )
            ).all()
        )

    assert set(per_site) == {site.code for site in country.sites}
    assert max(per_site.values()) > 2 * min(per_site.values())  # spread unevenly
    for number, site_code, sequence in numbers:
        assert ACCOUNT_NUMBER.match(number), number
        assert number == f"{sequence:04d}{site_code}"
    assert sequences == per_site  # numbering continues after the seeded accounts
    assert roles["primary"] == total
    assert 0.06 * total < roles["check"] < 0.14 * total
    assert roles.get("backup", 0) > 0
    assert open_primaries == 0
    assert all(re.fullmatch(r"266[56]\d{7}", phone) for phone in phones)
    assert 0 < terminated < 0.06 * total
    assert set(platforms.values()) == {"sparkmeter"}


def test_second_run_adds_nothing_and_benin_and_zambia_have_their_sizes(
    engine_for: dict[str, Engine],
) -> None:
    for code, expected in (("ls", 1400), ("bn", 150), ("zm", 0)):
        engine = engine_for[code]
        country = load_country(code)
        first = seed_country(engine=engine, country=country, steps=[])
        before = counts(engine)
        second = seed_country(engine=engine, country=country, steps=[])

        assert first.customers_added == expected == before["customers"]
        assert second.customers_added == second.meters_added == 0
        assert counts(engine) == before
    with engine_for["bn"].connect() as connection:
        sites = set(connection.execute(text("SELECT DISTINCT site_code FROM accounts")).scalars())
        phones = list(connection.execute(text("SELECT phone FROM customers")).scalars())
    assert sites == {"GBO", "SAM", "KOT"}
    assert all(phone is None or phone.startswith("22901") for phone in phones)


def test_seed_is_deterministic(engine_for: dict[str, Engine]) -> None:
    country = load_country("bn")
    rows = []
    for label in ("bn_a", "bn_b"):
        engine = engine_for[label]
        seed_country(engine=engine, country=country, steps=[])
        with engine.connect() as connection:
            rows.append(
                connection.execute(
                    text(
                        "SELECT a.account_number, c.first_name, c.last_name, c.phone"
                        " FROM accounts a JOIN customers c ON c.id = a.customer_id"
                        " ORDER BY a.account_number"
                    )
                ).all()
            )
    assert rows[0] == rows[1]


def test_steps_run_after_customers_with_a_seeded_rng(engine_for: dict[str, Engine]) -> None:
    engine = engine_for["bn_steps"]
    country = load_country("bn")
    seen: list[tuple[int, float]] = []

    def count_accounts(*, engine: Engine, country: object, rng: object) -> None:
        import random

        assert isinstance(rng, random.Random)
        with engine.connect() as connection:
            accounts = connection.execute(text("SELECT count(*) FROM accounts")).scalar_one()
        seen.append((int(accounts), rng.random()))

    seed_country(engine=engine, country=country, steps=[count_accounts])
    seed_country(engine=engine, country=country, steps=[count_accounts])

    assert seen[0] == seen[1]
    assert seen[0][0] == 150


def test_a_failing_step_is_reported_and_the_next_still_runs(engine_for: dict[str, Engine]) -> None:
    engine = engine_for["zm_steps"]
    country = load_country("zm")
    ran: list[str] = []
    failures: list[str] = []

    def broken(**_: object) -> None:
        raise FileNotFoundError("no such data file")

    def fine(**_: object) -> None:
        ran.append("fine")

    seed_country(
        engine=engine,
        country=country,
        steps=[broken, fine],
        on_step_error=lambda step, error: failures.append(f"{step.__name__}: {error}"),
    )
    assert failures == ["broken: no such data file"]
    assert ran == ["fine"]
    with pytest.raises(FileNotFoundError):
        seed_country(engine=engine, country=country, steps=[broken, fine])
