"""Signed staff tokens: ES256 JWTs for one user, one country and that country's role.

The private key is a JWK from `GRIDCARE_GATEWAY_SIGNING_KEY` (JSON) in production; the demo and
tests generate one. Country APIs verify tokens against `/.well-known/jwks.json`.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

DEFAULT_ISSUER = "gridcare-gateway"
DEFAULT_TTL_SECONDS = 8 * 3600


class TokenIssuer:
    def __init__(
        self, key: ECKey, *, issuer: str = DEFAULT_ISSUER, ttl_seconds: int = DEFAULT_TTL_SECONDS
    ) -> None:
        if not key.kid:
            raise ValueError("the signing key needs a key id (kid)")
        self.key = key
        self.issuer = issuer
        self.ttl_seconds = ttl_seconds

    @classmethod
    def generate(cls, **options: Any) -> TokenIssuer:
        key = ECKey.generate_key(
            "P-256", parameters={"kid": uuid.uuid4().hex[:16], "use": "sig", "alg": "ES256"}
        )
        return cls(key, **options)

    @classmethod
    def from_jwk_json(cls, text: str, **options: Any) -> TokenIssuer:
        key = ECKey.import_key(json.loads(text))
        return cls(key, **options)

    def issue(self, *, username: str, country: str, role: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": username,
            "country": country.upper(),
            "role": role,
            "iat": now,
            "exp": now + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
        }
        header = {"alg": "ES256", "kid": self.key.kid, "typ": "JWT"}
        return jwt.encode(header, claims, self.key)

    def jwks(self) -> dict[str, Any]:
        """The public half only, as served at `/.well-known/jwks.json`."""
        return dict(KeySet([self.key]).as_dict(private=False))
