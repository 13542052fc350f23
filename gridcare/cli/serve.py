"""Run one service in the foreground, as production does (one process per service).

Logs are JSON, one object per line on stdout (gridcare/core/observability/logs.py); uvicorn is
told to leave logging alone (`log_config=None`) and its access log is off: the request
middleware writes one access line per request, with its request id.
"""

from __future__ import annotations

import os

import typer
import uvicorn

from gridcare.core.observability.logs import configure_logging

app = typer.Typer(no_args_is_help=True, help=__doc__)


@app.command("country")
def serve_country(
    country: str = typer.Option(..., "--country", help="Country file name: ls, bn, zm."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int | None = typer.Option(None, help="Port; the country file's api.port by default."),
    with_workers: bool = typer.Option(
        False,
        "--with-workers",
        help="Also run the background workers (credit outbox, rollups, imports, MQTT) in this "
        "process, as the demo does. In production they run apart: `gridcare worker`.",
    ),
) -> None:
    """Serve one country's API against GRIDCARE_DATABASE_URL (no background workers unless
    --with-workers)."""
    os.environ["GRIDCARE_COUNTRY"] = country.lower()
    os.environ["GRIDCARE_RUN_WORKERS"] = "true" if with_workers else "false"
    from country_api.config import load_settings

    settings = load_settings()
    configure_logging("country_api", settings.country.code)
    listen_port = port or int(settings.country.api.port)
    uvicorn.run(
        "country_api.main:create_app",
        factory=True,
        host=host,
        port=listen_port,
        log_level="info",
        log_config=None,
        access_log=False,
    )


@app.command("gateway")
def serve_gateway(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve the federation gateway (login, JWKS, proxy, rollups, frontend)."""
    configure_logging("federation_gateway")
    uvicorn.run(
        "federation_gateway.main:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        log_config=None,
        access_log=False,
    )
