"""FX rates in the gateway's database (GRIDCARE_GATEWAY_DATABASE_URL): update and list."""

from __future__ import annotations

import asyncio
import os
from enum import StrEnum
from pathlib import Path

import typer

app = typer.Typer(no_args_is_help=True, help=__doc__)


class Source(StrEnum):
    FILE = "file"
    HTTP = "http"


def _gateway_url() -> str:
    url = os.environ.get("GRIDCARE_GATEWAY_DATABASE_URL") or os.environ.get("GRIDCARE_DATABASE_URL")
    if not url:
        raise typer.BadParameter("set GRIDCARE_GATEWAY_DATABASE_URL to the gateway's database")
    return url


async def _forget_cached_rates(redis_url: str, prefix: str) -> None:
    from federation_gateway.cache import RedisCache
    from federation_gateway.rollups.context import FX_TAG

    cache = RedisCache(redis_url, prefix=prefix)
    try:
        await cache.invalidate(FX_TAG)
    finally:
        await cache.close()


@app.command("update")
def update(
    source: Source = typer.Option(Source.FILE, help="file: the shipped (or --file) CSV; http."),
    file: Path | None = typer.Option(None, help="A rates CSV instead of the shipped one."),
    url: str | None = typer.Option(None, help="Rates service URL (default GRIDCARE_FX_URL)."),
    first: str | None = typer.Option(None, "--from", help="First month, 2025-01."),
    last: str | None = typer.Option(None, "--to", help="Last month, 2025-12."),
    force: bool = typer.Option(
        False, "--force", help="Replace rates that rollups have already used (logged)."
    ),
) -> None:
    """Fetch monthly average rates to USD and store them with their source.

    A month whose stored rate a rollup has used keeps that rate when the source now says
    something else, unless --force (every change is recorded in fx_rate_changes)."""

    from federation_gateway.fx.file_provider import SHIPPED_FILE, FileFxProvider, parse_month
    from federation_gateway.fx.http_provider import HttpFxProvider
    from federation_gateway.fx.protocol import FxProvider, FxProviderError
    from federation_gateway.fx.service import store_rates
    from federation_gateway.rollups.settings import RollupSettings
    from gridcare.core.db import make_engine, unit_of_work

    options = RollupSettings()
    provider: FxProvider
    if source is Source.HTTP:
        address = url or options.fx_url
        if not address:
            raise typer.BadParameter("set GRIDCARE_FX_URL or pass --url for --source http")
        provider = HttpFxProvider(address)
    else:
        provider = FileFxProvider(file or SHIPPED_FILE)
    try:
        rates = provider.fetch(
            first=parse_month(first) if first else None, last=parse_month(last) if last else None
        )
    except (FxProviderError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    engine = make_engine(_gateway_url(), pool_size=1)
    try:
        with unit_of_work(engine) as session:
            report = store_rates(session=session, rates=rates, force=force)
    finally:
        engine.dispose()
    redis_url = os.environ.get("GRIDCARE_REDIS_URL")
    if redis_url:
        asyncio.run(_forget_cached_rates(redis_url, options.cache_prefix))
    typer.echo(
        f"{provider.name}: {len(report.added)} added, {len(report.changed)} changed,"
        f" {len(report.unchanged)} unchanged, {len(report.refused)} refused"
    )
    for rate in report.refused:
        typer.echo(
            f"refused {rate.currency} {rate.month:%Y-%m} = {rate.usd_per_unit}: the stored rate"
            " was already used by a rollup (use --force to replace it)",
            err=True,
        )
    if report.refused:
        raise typer.Exit(2)


@app.command("list")
def list_rates() -> None:
    """Every stored rate with its source and whether a rollup has used it."""

    from federation_gateway.fx.service import list_rates as stored_rates
    from gridcare.core.db import make_engine, unit_of_work

    engine = make_engine(_gateway_url(), pool_size=1)
    try:
        with unit_of_work(engine) as session:
            for row in stored_rates(session=session):
                used = f"used {row.used_at:%Y-%m-%d}" if row.used_at else "unused"
                typer.echo(
                    f"{row.currency} {row.month:%Y-%m} {row.usd_per_unit} {used} {row.source}"
                )
    finally:
        engine.dispose()
