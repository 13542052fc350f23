"""Employee administration in the gateway's database (GRIDCARE_GATEWAY_DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from gridcare.core.errors import AppError

app = typer.Typer(no_args_is_help=True, help=__doc__)


@contextmanager
def _session() -> Iterator[Session]:
    from gridcare.core.db import make_engine, unit_of_work

    url = os.environ.get("GRIDCARE_GATEWAY_DATABASE_URL")
    if not url:
        raise typer.BadParameter("set GRIDCARE_GATEWAY_DATABASE_URL to the gateway's database")
    engine = make_engine(url, pool_size=1)
    try:
        with unit_of_work(engine) as session:
            yield session
    except AppError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


def _parse_role(text: str) -> tuple[str, str]:
    country, separator, role = text.partition("=")
    if not separator or not country.strip() or not role.strip():
        raise typer.BadParameter(f"{text!r} must look like LS=finance")
    return country.strip(), role.strip()


def _roles_text(roles: dict[str, str]) -> str:
    return ", ".join(f"{country}={role}" for country, role in sorted(roles.items())) or "-"


@app.command("add")
def add(
    username: str = typer.Argument(..., help="Log-in name (case-insensitive)."),
    role: list[str] = typer.Option(
        [], "--role", help="COUNTRY=ROLE, repeatable: --role LS=finance --role BN=viewer."
    ),
    password: str | None = typer.Option(
        None, help="The password; asked for (twice, hidden) when not given."
    ),
    display_name: str | None = typer.Option(None, "--name", help="Name shown in the portal."),
) -> None:
    """Create an employee, or reset an existing one's password and roles."""
    from federation_gateway.employees.service import upsert_employee

    roles = dict(_parse_role(item) for item in role)
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _session() as session:
        employee = upsert_employee(
            session=session,
            username=username,
            password=password,
            roles=roles,
            display_name=display_name,
        )
    typer.echo(f"saved {employee.username}: {_roles_text(employee.roles)}")


@app.command("list")
def list_command() -> None:
    """Every employee with their roles per country."""
    from federation_gateway.employees.service import list_employees

    with _session() as session:
        employees = list_employees(session=session)
    table = Table("username", "name", "roles", "active", "updated")
    for employee in employees:
        updated = employee.updated_at.strftime("%Y-%m-%d %H:%M") if employee.updated_at else ""
        table.add_row(
            employee.username,
            employee.display_name,
            _roles_text(employee.roles),
            "yes" if employee.active else "no",
            updated,
        )
    Console(width=120).print(table)


@app.command("set-role")
def set_role_command(
    username: str = typer.Argument(..., help="The employee."),
    grant: str = typer.Argument(..., help="COUNTRY=ROLE, or COUNTRY=none to withdraw."),
) -> None:
    """Grant, change or withdraw one employee's role in one country."""
    from federation_gateway.employees.service import set_role

    country, role = _parse_role(grant)
    with _session() as session:
        employee = set_role(
            session=session,
            username=username,
            country=country,
            role=None if role.lower() == "none" else role,
        )
    typer.echo(f"saved {employee.username}: {_roles_text(employee.roles)}")
