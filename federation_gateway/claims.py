"""The gateway reading back its own tokens: the caller's claims, for `/auth/me` and
`/auth/switch`, the employees admin and the rollups' permission check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from federation_gateway.deps import IssuerDep
from federation_gateway.tokens import TokenIssuer
from gridcare.core.errors import Unauthorized
from gridcare.core.tokens import decode_staff_token


@dataclass(frozen=True)
class TokenClaims:
    username: str
    country: str
    role: str


def read_token(token: str, *, issuer: TokenIssuer) -> TokenClaims:
    claims = decode_staff_token(token, issuer.key, issuer=issuer.issuer)
    return TokenClaims(username=claims.username, country=claims.country, role=claims.role)


def bearer_claims(request: Request, issuer: IssuerDep) -> TokenClaims:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing bearer token: log in at /auth/login")
    return read_token(token.strip(), issuer=issuer)


Claims = Annotated[TokenClaims, Depends(bearer_claims)]
