"""Analytics: rebuild the monthly rollups the reports read (after bulk loads or a bug fix)."""

from __future__ import annotations

import os
import time

import typer

app = typer.Typer(no_args_is_help=True, help=__doc__)


@app.command("rebuild-rollups")
def rebuild(
    country: str | None = typer.Option(None, help="Country file name (ls, bn, zm)."),
) -> None:
    """Recompute every rollup from the payments ledger and the hourly consumption."""
    if country:
        os.environ["GRIDCARE_COUNTRY"] = country.lower()
    if not os.environ.get("GRIDCARE_COUNTRY"):
        raise typer.BadParameter("name --country CODE (or set GRIDCARE_COUNTRY)")
    if not os.environ.get("GRIDCARE_DATABASE_URL"):
        raise typer.BadParameter("set GRIDCARE_DATABASE_URL to the country's database")

    from country_api.analytics.rollups import rebuild_rollups
    from country_api.config import load_settings
    from gridcare.core.db import make_engine, unit_of_work

    settings = load_settings()
    assert settings.database_url is not None
    engine = make_engine(settings.database_url.get_secret_value(), pool_size=1)
    started = time.perf_counter()
    with unit_of_work(engine) as session:
        cells = rebuild_rollups(session=session, timezone=settings.country.timezone)
    engine.dispose()
    typer.echo(
        f"{settings.country.code}: {cells} account-month cells rebuilt"
        f" in {time.perf_counter() - started:.1f} s"
    )
