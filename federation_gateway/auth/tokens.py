"""The gateway reading back its own tokens (for `/auth/me` and `/auth/switch`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from joserfc import jwt
from joserfc.errors import JoseError

from federation_gateway.tokens import TokenIssuer
from gridcare.errors import Unauthorized


@dataclass(frozen=True)
class TokenClaims:
    username: str
    country: str
    role: str


def read_token(token: str, *, issuer: TokenIssuer) -> TokenClaims:
    try:
        decoded = jwt.decode(token, issuer.key, algorithms=["ES256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer.issuer},
            sub={"essential": True},
            country={"essential": True},
            role={"essential": True},
            exp={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        raise Unauthorized(f"invalid token: {error}") from None
    claims = decoded.claims
    return TokenClaims(
        username=str(claims["sub"]), country=str(claims["country"]), role=str(claims["role"])
    )


def bearer_claims(request: Request) -> TokenClaims:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing bearer token: log in at /auth/login")
    issuer: TokenIssuer = request.app.state.issuer
    return read_token(token.strip(), issuer=issuer)


Claims = Annotated[TokenClaims, Depends(bearer_claims)]
