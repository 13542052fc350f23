"""Run the whole platform locally with demo data (`make demo`)."""

from __future__ import annotations

from pathlib import Path

import typer


def parse_ports(text: str) -> dict[str, int]:
    """`gateway=18000,ls=18101` → {"gateway": 18000, "ls": 18101}."""
    ports = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        if not value.strip().isdigit() or not 0 < int(value) < 65536:
            raise typer.BadParameter(f"{item!r} must look like ls=8101", param_hint="--ports")
        ports[name.strip().lower()] = int(value)
    return ports


def run(
    data_dir: Path = typer.Option(
        Path(".gridcare/demo"), help="Where the embedded database and the demo's secrets live."
    ),
    reset: bool = typer.Option(False, "--reset", help="Drop the demo databases and reload."),
    ports: str = typer.Option(
        "", help="Other ports, e.g. gateway=18000,ls=18101 (defaults 8000, 8101, 8102, 8103)."
    ),
    core_data_only: bool = typer.Option(
        False,
        "--core-data-only",
        help="Load customers and meters only; skip the extra seed steps (payments, consumption).",
    ),
    database_prefix: str = typer.Option(
        "gridcare", help="Databases are named <prefix>_ls, <prefix>_bn, …, <prefix>_gateway."
    ),
) -> None:
    """Start PostgreSQL (embedded unless GRIDCARE_DATABASE_URL is set), load demo data, and
    serve the gateway on :8000 and each country's API on :8101-8103 until Ctrl-C."""
    from gridcare.demo.run import DemoOptions, run_demo, service_specs

    port_overrides = parse_ports(ports)
    try:
        from gridcare.core.countries import load_all_countries

        service_specs(load_all_countries(), port_overrides)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--ports") from None
    options = DemoOptions(
        data_dir=data_dir,
        reset=reset,
        ports=port_overrides,
        database_prefix=database_prefix,
        extra_steps=not core_data_only,
    )
    raise typer.Exit(run_demo(options))
