"""Database migrations."""

from __future__ import annotations

import os

import typer

app = typer.Typer(no_args_is_help=True, help=__doc__)


def _database_url() -> str:
    url = os.environ.get("GRIDCARE_DATABASE_URL")
    if not url:
        raise typer.BadParameter("set GRIDCARE_DATABASE_URL to the database to migrate")
    return url


@app.command("upgrade")
def upgrade(
    country: str | None = typer.Option(None, help="Country file name (ls, bn, zm) to migrate."),
    gateway: bool = typer.Option(False, "--gateway", help="Migrate the gateway's database."),
) -> None:
    """Bring a database to the newest schema with Alembic (`alembic upgrade head`)."""
    if country is None and not gateway:
        raise typer.BadParameter("name --country CODE or --gateway")
    if gateway:
        from federation_gateway.migrate import upgrade as upgrade_gateway

        upgrade_gateway(_database_url())
    else:
        from country_api.migrate import upgrade as upgrade_country

        os.environ["GRIDCARE_COUNTRY"] = str(country).lower()
        upgrade_country(_database_url())
    typer.echo("database is at the newest revision")
