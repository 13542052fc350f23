"""Employee administration over HTTP, for superadmins (the CLI does the same from a shell)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from federation_gateway.claims import Claims, TokenClaims
from federation_gateway.deps import SessionDep
from federation_gateway.employees import service
from federation_gateway.employees.models import EmployeePublic
from gridcare.core.errors import Conflict, Forbidden
from gridcare.core.roles import Role

router = APIRouter(prefix="/api/employees", tags=["employees"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing or invalid token"},
    403: {"description": "not a superadmin"},
    404: {"description": "no such employee"},
    409: {"description": "username taken"},
    422: {"description": "invalid username, password, country or role"},
}


def _superadmin(claims: Claims) -> TokenClaims:
    """Employee administration needs a token carrying the superadmin role (in any country)."""
    if claims.role != Role.SUPERADMIN:
        raise Forbidden(f"role {claims.role} may not administer employees")
    return claims


Admin = Annotated[TokenClaims, Depends(_superadmin)]


class EmployeeCreate(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)
    display_name: str = Field(default="", max_length=200)
    roles: dict[str, str] = {}


class RoleGrant(BaseModel):
    role: str | None = Field(description="a role name, or null to withdraw the country")


@router.get("", responses=ERRORS)
def list_employees(session: SessionDep, admin: Admin) -> list[EmployeePublic]:
    return [EmployeePublic.of(e) for e in service.list_employees(session=session)]


@router.post("", status_code=201, responses=ERRORS)
def create_employee(body: EmployeeCreate, session: SessionDep, admin: Admin) -> EmployeePublic:
    if service.find_employee(session=session, username=body.username) is not None:
        raise Conflict(f"username {body.username.strip().lower()!r} is taken")
    employee = service.upsert_employee(
        session=session,
        username=body.username,
        password=body.password,
        roles=body.roles,
        display_name=body.display_name,
    )
    return EmployeePublic.of(employee)


@router.put("/{username}/roles/{country}", responses=ERRORS)
def set_role(
    username: str, country: str, body: RoleGrant, session: SessionDep, admin: Admin
) -> EmployeePublic:
    employee = service.set_role(session=session, username=username, country=country, role=body.role)
    return EmployeePublic.of(employee)


@router.post("/{username}/deactivate", responses=ERRORS)
def deactivate(username: str, session: SessionDep, admin: Admin) -> EmployeePublic:
    if username.strip().lower() == admin.username:
        raise Conflict("you cannot deactivate your own account")
    employee = service.set_active(session=session, username=username, active=False)
    return EmployeePublic.of(employee)
