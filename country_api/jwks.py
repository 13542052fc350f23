"""The gateway's signing keys, fetched from its JWKS and cached.

Fetched again when a token names a key id we have not seen (key rotation), at most once per
`refresh_cooldown` seconds.
"""

from __future__ import annotations

import asyncio
import time

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gridcare.core.errors import Unavailable


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
