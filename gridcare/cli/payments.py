"""Payments: the credit outbox (what is still to be pushed to the meter platforms)."""

from __future__ import annotations

import asyncio
import getpass
import os

import typer

app = typer.Typer(no_args_is_help=True, help=__doc__)


def _country_env(country: str | None) -> None:
    if country:
        os.environ["GRIDCARE_COUNTRY"] = country.lower()
    if not os.environ.get("GRIDCARE_COUNTRY"):
        raise typer.BadParameter("name --country CODE (or set GRIDCARE_COUNTRY)")
    if not os.environ.get("GRIDCARE_DATABASE_URL"):
        raise typer.BadParameter("set GRIDCARE_DATABASE_URL to the country's database")


@app.command("outbox")
def outbox(
    country: str | None = typer.Option(None, help="Country file name (ls, bn, zm)."),
) -> None:
    """Count credit outbox rows by status (pending, done, dead)."""
    _country_env(country)
    from country_api.config import load_settings
    from country_api.payments.dead_credits import outbox_counts
    from gridcare.core.db import make_engine

    settings = load_settings()
    assert settings.database_url is not None
    engine = make_engine(settings.database_url.get_secret_value(), pool_size=1)
    with engine.connect() as connection:
        counts = outbox_counts(connection)
    engine.dispose()
    for status in ("pending", "done", "dead"):
        typer.echo(f"{status:8} {counts.get(status, 0)}")


@app.command("retry-credits")
def retry_credits(
    country: str | None = typer.Option(None, help="Country file name (ls, bn, zm)."),
    payment: list[int] = typer.Option(
        [], "--payment", help="Only these payment ids (repeatable); default: every dead credit."
    ),
) -> None:
    """Revive dead credits, then push everything due now to the sites' meter platforms."""
    _country_env(country)
    from country_api.config import load_settings
    from country_api.payments.outbox import CreditWorker
    from country_api.payments.service import retry_dead_credits
    from country_api.plugins.meters.factory import platforms_from_env
    from gridcare.core.db import make_engine, unit_of_work

    settings = load_settings()
    assert settings.database_url is not None
    engine = make_engine(settings.database_url.get_secret_value(), pool_size=2)
    with unit_of_work(engine) as session:
        actor = f"cli:{getpass.getuser()}"
        revived = retry_dead_credits(session=session, actor=actor, payment_ids=payment or None)
    worker = CreditWorker(engine=engine, platform_for=platforms_from_env(settings.country))

    async def _drain() -> None:
        try:
            report = await worker.drain()
        finally:
            await worker.aclose()
        typer.echo(
            f"revived {revived}; pushed {report.claimed}: applied {report.applied}, "
            f"already applied {report.already_applied}, to retry {report.retried}, "
            f"dead {report.dead}"
        )
        for error in report.errors[:5]:
            typer.echo(f"  {error}")

    asyncio.run(_drain())
    engine.dispose()
