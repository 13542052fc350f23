"""Import meter readings and consumption into a country database (GRIDCARE_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

app = typer.Typer(no_args_is_help=True, help=__doc__)
console = Console()


def _engine() -> Engine:
    from gridcare.core.db import make_engine

    url = os.environ.get("GRIDCARE_DATABASE_URL")
    if not url:
        raise typer.BadParameter("set GRIDCARE_DATABASE_URL to the country database")
    return make_engine(url, pool_size=2)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


@app.command("koios")
def koios(
    country: str = typer.Option(
        ...,
        help="Country code (ls, bn); Koios credentials from GRIDCARE_KOIOS_URL,"
        " _API_KEY and _API_SECRET.",
    ),
    org: str = typer.Option(..., help="Koios organisation id."),
    site: list[str] = typer.Option(..., help="Koios site id; repeat for several sites."),
    since: dt.datetime | None = typer.Option(
        None,
        formats=["%Y-%m-%d"],
        help="Re-import from this UTC day (gap filling). Default: continue where the"
        " last run stopped.",
    ),
    until: dt.datetime | None = typer.Option(
        None, formats=["%Y-%m-%d"], help="Last UTC day to import (default today)."
    ),
) -> None:
    """SparkMeter Koios v2 historical readings (~15 min), summed into UTC hours.

    Paces itself to 3 requests / 5 s and 30,000 a day per organisation; on a 429 it stops the
    organisation and the next run resumes from the stored cursor. Incremental by default.
    """
    from country_api.imports.koios import DatabaseRequestCounter, import_koios
    from country_api.plugins.meters.koios_historical import KoiosHistoricalClient

    engine = _engine()

    async def run() -> None:
        client = KoiosHistoricalClient.from_env(country, counter=DatabaseRequestCounter(engine))
        with _progress() as progress:
            task = progress.add_task(f"Koios {org}: pages", total=None)

            def page(site_id: str, day: dt.date, count: int) -> None:
                progress.update(
                    task, advance=1, description=f"Koios {site_id} {day}: {count} readings"
                )

            async with client:
                report = await import_koios(
                    engine=engine,
                    client=client,
                    org=org,
                    sites=site,
                    since=since.date() if since else None,
                    until=until.date() if until else None,
                    on_page=page,
                )
        for item in report.sites:
            console.print(
                f"{item.site}: {item.days} days, {item.readings} readings, {item.stored} new, "
                f"{item.out_of_bounds} above the bound dropped, "
                f"{len(item.unknown_meters)} unknown meters"
            )
        if report.stopped:
            console.print(f"[yellow]stopped: {report.stopped}[/yellow]")

    asyncio.run(run())


@app.command("thundercloud")
def thundercloud(
    path: Path = typer.Argument(
        ...,
        exists=True,
        help="A parquet file, or a folder of year=/month=/day=/…_reading.parquet files.",
    ),
) -> None:
    """SparkMeter ThunderCloud parquet history: COPY in batches, later files overwrite earlier."""
    import pyarrow.parquet as pq

    from country_api.imports.thundercloud import import_parquet, parquet_files

    files = parquet_files(path)
    total = sum(pq.ParquetFile(file).metadata.num_rows for file in files)
    with _progress() as progress:
        task = progress.add_task(f"{len(files)} parquet files: rows", total=total)
        report = import_parquet(
            engine=_engine(), paths=files, on_rows=lambda n: progress.advance(task, n)
        )
    console.print(
        f"{report.rows} rows from {report.files} files; {report.out_of_bounds} above the bound "
        f"dropped; {report.unknown_rows} rows of {len(report.unknown_meters)} unknown meters "
        f"skipped; {report.hours_written} hourly rows written"
    )


@app.command("hourly-csv")
def hourly_csv(
    path: Path = typer.Argument(
        None,
        help="CSV (.gz): hour_local, then one kWh column per customer. Default: the"
        " real Benin SAM file.",
    ),
    site: str = typer.Option(
        "SAM", help="Site whose accounts (with a primary meter, in account order) get the columns."
    ),
    utc_offset: float = typer.Option(1.0, help="Hours the file's local time is ahead of UTC."),
) -> None:
    """Hourly kWh per customer (e.g. bn_sam_hourly_kwh.csv.gz, UTC+1) onto a site's accounts.

    Column N goes to the site's Nth account with an open primary meter; blank cells are gaps.
    Importing again overwrites the same hours (no duplicates).
    """
    from country_api.imports.hourly_csv import REAL_FILE, import_hourly_csv

    source = path or REAL_FILE
    with _progress() as progress:
        task = progress.add_task(f"{source.name}: customers", total=None)
        report = import_hourly_csv(
            engine=_engine(),
            path=source,
            site_code=site,
            utc_offset=dt.timedelta(hours=utc_offset),
            on_column=lambda n: progress.advance(task, n),
        )
    console.print(
        f"{report.mapped} of {report.columns} columns mapped to {site} accounts; "
        f"{report.rows} hourly rows from {report.first} to {report.last}"
    )
