"""Staff identity from the gateway's signed tokens.

Tokens are ES256 JWTs issued by the federation gateway for one country and one role, verified
against the gateway's JWKS (`jwks.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from joserfc import jws
from joserfc.errors import JoseError

from country_api.deps import ResourcesDep
from country_api.jwks import JwksCache
from gridcare.core.errors import Forbidden, Unauthorized, Unavailable
from gridcare.core.roles import Permission, Role, allows
from gridcare.core.tokens import decode_staff_token


@dataclass(frozen=True)
class Staff:
    username: str
    country: str
    role: Role


async def verify_token(token: str, *, keys: JwksCache, country: str, issuer: str) -> Staff:
    try:
        kid = jws.extract_compact(token.encode()).protected.get("kid")
    except (JoseError, ValueError):
        raise Unauthorized("malformed token") from None
    key_set = await keys.key_set(kid)
    claims = decode_staff_token(token, key_set, issuer=issuer)
    if claims.country != country:
        raise Forbidden(f"this token is for country {claims.country}, not {country}")
    try:
        role = Role(claims.role)
    except ValueError:
        raise Forbidden(f"unknown role {claims.role!r}") from None
    return Staff(username=claims.username, country=country, role=role)


async def current_staff(request: Request, resources: ResourcesDep) -> Staff:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("missing bearer token: log in through the gateway")
    settings = resources.settings
    if resources.jwks is None:
        raise Unavailable("this process verifies no staff tokens (a worker)")
    return await verify_token(
        token.strip(),
        keys=resources.jwks,
        country=settings.code,
        issuer=settings.token_issuer,
    )


def require(permission: Permission) -> Callable[..., Coroutine[Any, Any, Staff]]:
    """A dependency giving the caller, refused with 403 unless their role has `permission`."""

    async def _check(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
        if not allows(staff.role, permission):
            raise Forbidden(f"role {staff.role} may not {permission}")
        return staff

    return _check


Reader = Annotated[Staff, Depends(require(Permission.READ))]
