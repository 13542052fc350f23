"""What the demo prints once every service answers: where things are and how to log in."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gridcare.core.countries import CountryConfig
from gridcare.demo.credentials import CREDENTIALS_FILE, DemoCredentials
from gridcare.demo.databases import DatabaseServer
from gridcare.demo.services import ServiceSpec


def print_summary(
    console: Console,
    *,
    services: list[ServiceSpec],
    countries: dict[str, CountryConfig],
    customers: dict[str, int],
    credentials: DemoCredentials,
    server: DatabaseServer,
    data_dir: Path,
) -> None:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("service")
    table.add_column("address", style="cyan")
    table.add_column("data")
    for spec in services:
        country = countries.get(spec.name)
        data = (
            f"{customers.get(spec.name, 0):,} customers, {len(country.sites)} sites,"
            f" {country.currency}"
            if country
            else "login, portal, /api/{ls,bn,zm}/…"
        )
        table.add_row(spec.title, spec.url, data)

    gateway = services[0].url
    password_source = (
        "from GRIDCARE_DEMO_ADMIN_PASSWORD"
        if credentials.password_from_env
        else f"generated, kept in {data_dir / CREDENTIALS_FILE}"
    )
    codes = ", ".join(country.code for country in countries.values())
    login = Table.grid(padding=(0, 2))
    login.add_column(style="bold")
    login.add_column()
    login.add_row("login", f"admin / {credentials.admin_password}  ({password_source})")
    login.add_row("roles", f"superadmin in {codes}")
    login.add_row("SMS gateway key", credentials.sms_gateway_key)
    login.add_row("IoT key", credentials.iot_key)
    login.add_row("database", server.describe())
    login.add_row("data folder", f"{data_dir}  (start over with --reset)")
    example = Text(
        f"curl -s {gateway}/auth/login -H 'content-type: application/json' "
        f'-d \'{{"username": "admin", "password": "…", "country": "ls"}}\'',
        style="dim",
    )
    console.print(
        Panel(
            Group(table, Text(), login, Text(), example),
            title="[bold green]GridCare demo is running[/]",
            subtitle="Ctrl-C stops every service and the database",
            expand=False,
        )
    )
