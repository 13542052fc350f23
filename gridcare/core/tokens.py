"""The staff token both services read: an ES256 JWT naming one user, one country and a role.

The gateway signs it; country APIs verify it against the gateway's JWKS; both check its claims
here, so what a valid token is cannot differ between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from gridcare.core.errors import Unauthorized

ALGORITHMS = ["ES256"]


@dataclass(frozen=True)
class StaffClaims:
    username: str
    country: str
    """Upper-case country code the token was issued for."""
    role: str
    issued_at: int
    expires_at: int


def decode_staff_token(token: str, key: ECKey | KeySet, *, issuer: str) -> StaffClaims:
    """The token's claims after checking signature, issuer, expiry and the staff claims."""
    try:
        decoded = jwt.decode(token, key, algorithms=ALGORITHMS)
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            sub={"essential": True},
            country={"essential": True},
            role={"essential": True},
            exp={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        raise Unauthorized(f"invalid token: {error}") from None
    claims: dict[str, Any] = decoded.claims
    return StaffClaims(
        username=str(claims["sub"]),
        country=str(claims["country"]).upper(),
        role=str(claims["role"]),
        issued_at=int(claims.get("iat", 0)),
        expires_at=int(claims["exp"]),
    )
