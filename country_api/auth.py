"""Staff identity from the gateway's signed tokens.

Tokens are ES256 JWTs issued by the federation gateway for one country and one role. They
are verified against the gateway's JWKS, cached here and fetched again when a token names a
key id we have not seen (key rotation), at most once per `refresh_cooldown` seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import Depends, Request
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gridcare.core.errors import Forbidden, Unauthorized, Unavailable
from gridcare.core.roles import Permission, Role, allows
from gridcare.core.tokens import decode_staff_token


@dataclass(frozen=True)
class Staff:
    username: str
    country: str
    role: Role


class JwksCache:
    def __init__(
        self,
        url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        refresh_cooldown: float = 10.0,
    ) -> None:
        self.url = url
        self.transport = transport
        self.refresh_cooldown = refresh_cooldown
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def key_set(self, kid: str | None) -> KeySet:
        known = self._keys is not None and (kid is None or _has_kid(self._keys, kid))
        if known and self._keys is not None:
            return self._keys
        async with self._lock:
            cooled = time.monotonic() - self._fetched_at >= self.refresh_cooldown
            if self._keys is None or cooled:
                self._keys = await self._fetch()
                self._fetched_at = time.monotonic()
        return self._keys

    async def _fetch(self) -> KeySet:
        try:
            async with httpx.AsyncClient(transport=self.transport, timeout=5) as client:
                answer = await client.get(self.url)
                answer.raise_for_status()
                return KeySet.import_key_set(answer.json())
        except (httpx.HTTPError, ValueError, JoseError) as error:
            raise Unavailable(f"cannot fetch signing keys from {self.url}: {error}") from None


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


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


async def current_staff(request: Request) -> Staff:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("missing bearer token: log in through the gateway")
    settings = request.app.state.settings
    return await verify_token(
        token.strip(),
        keys=request.app.state.jwks,
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
