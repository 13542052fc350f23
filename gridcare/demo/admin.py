"""The demo's `admin` employee: superadmin in every country, password reset on every run."""

from __future__ import annotations

from gridcare.core.db import make_engine, unit_of_work


def ensure_admin(*, database_url: str, username: str, password: str, countries: list[str]) -> None:
    from federation_gateway.employees.service import upsert_employee

    engine = make_engine(database_url, pool_size=1)
    try:
        with unit_of_work(engine) as session:
            upsert_employee(
                session=session,
                username=username,
                password=password,
                roles=dict.fromkeys(countries, "superadmin"),
                display_name="Demo administrator",
                known_countries=countries,
            )
    finally:
        engine.dispose()
