"""Log-in with a country choice, the signed token, and the public key that verifies it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from federation_gateway.claims import Claims
from federation_gateway.config import Settings
from federation_gateway.deps import IssuerDep, LoginLimiterDep, SessionDep, SettingsDep
from federation_gateway.employees import service
from federation_gateway.employees.models import Employee
from federation_gateway.tokens import TokenIssuer
from gridcare.core.errors import Forbidden, InvalidInput, Unauthorized

router = APIRouter(tags=["auth"])

_AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "wrong username or password, or a bad token"},
    403: {"description": "no role in the chosen country"},
    422: {"description": "unknown country or malformed request"},
    429: {"description": "too many failed log-ins for this account or address (Retry-After)"},
}


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)
    country: str = Field(min_length=1, max_length=10, description="ls, LS, bn …")


class SwitchRequest(BaseModel):
    country: str = Field(min_length=1, max_length=10)


class TokenAnswer(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105  (the OAuth token type, not a secret)
    country: str
    role: str
    expires_in: int


class MeAnswer(BaseModel):
    username: str
    display_name: str
    country: str
    role: str
    countries: dict[str, str] = Field(
        description="every country the caller has a role in, code → role (for the switcher)"
    )


def _country_code(settings: Settings, country: str) -> str:
    target = settings.country(country)
    if target is None:
        choices = ", ".join(sorted(settings.countries))
        raise InvalidInput.for_field("country", f"unknown country {country!r} (known: {choices})")
    return target.code


def _token_for(issuer: TokenIssuer, employee: Employee, country: str) -> TokenAnswer:
    role = employee.roles.get(country)
    if role is None:
        raise Forbidden(f"{employee.username} has no role in country {country}")
    token = issuer.issue(username=employee.username, country=country, role=role)
    return TokenAnswer(
        access_token=token, country=country, role=role, expires_in=issuer.ttl_seconds
    )


@router.post("/auth/login", responses=_AUTH_ERRORS)
def login(
    body: LoginRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    issuer: IssuerDep,
    limiter: LoginLimiterDep,
) -> TokenAnswer:
    country = _country_code(settings, body.country)
    attempt = {"username": body.username, "ip": request.client.host if request.client else "-"}
    limiter.check_login_allowed(**attempt)
    try:
        employee = service.authenticate(
            session=session, username=body.username, password=body.password
        )
    except Unauthorized:
        limiter.record_login_failure(**attempt)
        raise
    limiter.record_login_success(**attempt)
    return _token_for(issuer, employee, country)


def _active_employee(session: SessionDep, claims: Claims) -> Employee:
    employee = service.find_employee(session=session, username=claims.username)
    if employee is None or not employee.active:
        raise Unauthorized("this account no longer exists or is deactivated")
    return employee


@router.get("/auth/me", responses={401: _AUTH_ERRORS[401]})
def me(settings: SettingsDep, session: SessionDep, claims: Claims) -> MeAnswer:
    employee = _active_employee(session, claims)
    configured = {target.code for target in settings.countries.values()}
    return MeAnswer(
        username=employee.username,
        display_name=employee.display_name,
        country=claims.country,
        role=claims.role,
        countries={
            code: role for code, role in sorted(employee.roles.items()) if code in configured
        },
    )


@router.post("/auth/switch", responses=_AUTH_ERRORS)
def switch(
    body: SwitchRequest,
    settings: SettingsDep,
    issuer: IssuerDep,
    session: SessionDep,
    claims: Claims,
) -> TokenAnswer:
    """A token for another country the caller has a role in, without asking for the password."""
    country = _country_code(settings, body.country)
    employee = _active_employee(session, claims)
    return _token_for(issuer, employee, country)


@router.get("/.well-known/jwks.json")
def jwks(issuer: IssuerDep) -> dict[str, Any]:
    return issuer.jwks()
