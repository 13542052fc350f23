"""Employees and their per-country roles, stored in the gateway's own database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping

from sqlalchemy import func
from sqlmodel import Session, select

from federation_gateway.config import known_country_codes
from federation_gateway.employees.models import Employee
from federation_gateway.employees.passwords import (
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
from gridcare.core.errors import InvalidInput, NotFound, Unauthorized
from gridcare.core.roles import Role

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,99}$")
BAD_CREDENTIALS = "wrong username or password"


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise InvalidInput.for_field(
            "username", "use 1-100 letters, digits, '.', '_', '@' or '-', starting with a letter"
        )
    return name


def normalise_country(country: str, *, known: Collection[str] | None = None) -> str:
    code = country.strip().upper()
    known_codes = {c.upper() for c in known} if known is not None else known_country_codes()
    if code not in known_codes:
        choices = ", ".join(sorted(known_codes))
        raise InvalidInput.for_field("country", f"unknown country {country!r} (known: {choices})")
    return code


def normalise_role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        choices = ", ".join(member.value for member in Role)
        raise InvalidInput.for_field("role", f"unknown role {role!r} (one of {choices})") from None


def normalise_roles(
    roles: Mapping[str, str], *, known: Collection[str] | None = None
) -> dict[str, str]:
    known_codes = known if known is not None else known_country_codes()
    return {
        normalise_country(country, known=known_codes): normalise_role(role).value
        for country, role in roles.items()
    }


def _check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput.for_field("password", f"use at least {MIN_LENGTH} characters")


def find_employee(*, session: Session, username: str) -> Employee | None:
    name = username.strip().lower()
    return session.exec(select(Employee).where(Employee.username == name)).first()


def get_employee(*, session: Session, username: str) -> Employee:
    employee = find_employee(session=session, username=username)
    if employee is None:
        raise NotFound(f"no employee {username!r}")
    return employee


def upsert_employee(
    *,
    session: Session,
    username: str,
    password: str,
    roles: Mapping[str, str],
    display_name: str | None = None,
    known_countries: Collection[str] | None = None,
) -> Employee:
    """Create the employee, or reset an existing one's password and roles (and reactivate it)."""
    name = normalise_username(username)
    _check_password(password)
    checked_roles = normalise_roles(roles, known=known_countries)
    employee = find_employee(session=session, username=name)
    if employee is None:
        employee = Employee(username=name, password_hash="", display_name=display_name or "")
    elif display_name is not None:
        employee.display_name = display_name
    employee.password_hash = hash_password(password)
    employee.roles = checked_roles
    employee.active = True
    employee.updated_at = dt.datetime.now(dt.UTC)
    session.add(employee)
    session.flush()
    session.refresh(employee)
    return employee


def set_role(
    *,
    session: Session,
    username: str,
    country: str,
    role: str | None,
    known_countries: Collection[str] | None = None,
) -> Employee:
    """Grant (or, with `role=None`, withdraw) the employee's role in one country."""
    employee = get_employee(session=session, username=username)
    code = normalise_country(country, known=known_countries)
    roles = dict(employee.roles)
    if role is None:
        roles.pop(code, None)
    else:
        roles[code] = normalise_role(role).value
    employee.roles = roles  # a new dict, so SQLAlchemy sees the change
    employee.updated_at = dt.datetime.now(dt.UTC)
    session.add(employee)
    session.flush()
    session.refresh(employee)
    return employee


def set_active(*, session: Session, username: str, active: bool) -> Employee:
    employee = get_employee(session=session, username=username)
    employee.active = active
    employee.updated_at = dt.datetime.now(dt.UTC)
    session.add(employee)
    session.flush()
    session.refresh(employee)
    return employee


def list_employees(*, session: Session) -> list[Employee]:
    return list(session.exec(select(Employee).order_by(func.lower(Employee.username))).all())


def authenticate(*, session: Session, username: str, password: str) -> Employee:
    """The active employee with this password, else `Unauthorized` with one message for all
    failures (unknown user, wrong password, deactivated) so usernames cannot be probed."""
    employee = find_employee(session=session, username=username)
    if employee is None:
        spend_verification_time(password)
        raise Unauthorized(BAD_CREDENTIALS)
    if not verify_password(employee.password_hash, password) or not employee.active:
        raise Unauthorized(BAD_CREDENTIALS)
    if needs_rehash(employee.password_hash):
        employee.password_hash = hash_password(password)
        session.add(employee)
        session.flush()
        session.refresh(employee)
    return employee
