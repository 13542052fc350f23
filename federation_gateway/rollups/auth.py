"""Who may ask for rollups, and with which identity the gateway asks each country.

The caller's gateway token must carry a role with `global.read` (superadmin, regional_manager).
Country APIs accept only tokens issued for themselves, so for each country the gateway mints a
short-lived token (`COUNTRY_TOKEN_SECONDS`) for the same user with the role that user holds in
that country (read is all a report needs, and every role has it). A user with no role in a
country gets no token for it: that country is reported `unavailable` with reason "no access",
and none of its figures are fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from federation_gateway.claims import TokenClaims, bearer_claims
from federation_gateway.deps import SessionDep
from federation_gateway.employees.service import find_employee
from federation_gateway.tokens import TokenIssuer
from gridcare.core.errors import Forbidden, Unauthorized
from gridcare.core.roles import Permission, allows

COUNTRY_TOKEN_SECONDS = 120


@dataclass(frozen=True)
class GlobalReader:
    username: str
    roles: dict[str, str]
    """Upper-case country code → the role held there, from the gateway's employee records."""


def global_reader(
    session: SessionDep, claims: Annotated[TokenClaims, Depends(bearer_claims)]
) -> GlobalReader:
    if not allows(claims.role, Permission.GLOBAL_READ):
        raise Forbidden(f"the role {claims.role} may not read cross-country rollups")
    employee = find_employee(session=session, username=claims.username)
    if employee is None or not employee.active:
        raise Unauthorized("this account no longer exists or is deactivated")
    current_role = employee.roles.get(claims.country.upper())
    if current_role is None or not allows(current_role, Permission.GLOBAL_READ):
        raise Forbidden(f"{employee.username} no longer holds a role that reads rollups")
    return GlobalReader(username=employee.username, roles=dict(employee.roles))


Reader = Annotated[GlobalReader, Depends(global_reader)]


def country_token_issuer(gateway: TokenIssuer) -> TokenIssuer:
    """The gateway's key with a short lifetime."""
    return TokenIssuer(gateway.key, issuer=gateway.issuer, ttl_seconds=COUNTRY_TOKEN_SECONDS)


def country_token(issuer: TokenIssuer, reader: GlobalReader, country_code: str) -> str | None:
    role = reader.roles.get(country_code.upper())
    if role is None:
        return None
    return issuer.issue(username=reader.username, country=country_code, role=role)
