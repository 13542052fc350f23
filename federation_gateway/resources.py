"""What a gateway process holds for its lifetime: settings, database, signing key, log-in
limits, the HTTP client to the countries (opened by the app's lifespan) and the rollups' cache.

Routes read these through `deps.py` only. Like `deps.py`, this module imports no domain
(`federation_gateway/__init__.py`): the rollups keep their own state on the app.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy import Engine

from federation_gateway.cache import Cache
from federation_gateway.config import Settings
from federation_gateway.ratelimit import LoginLimiter, make_login_limiter
from federation_gateway.tokens import TokenIssuer


@dataclass
class GatewayResources:
    settings: Settings
    engine: Engine
    issuer: TokenIssuer
    login_limiter: LoginLimiter
    country_transport: httpx.AsyncBaseTransport | None = None
    """Carries proxied calls (tests route them in-process); the network when None."""
    rollup_cache: Cache | None = None
    """The rollups' cache; Redis (or in-process) from the settings when None."""
    http: httpx.AsyncClient | None = None
    """Opened and closed by the app's lifespan."""

    @staticmethod
    def limiter_for(settings: Settings) -> LoginLimiter:
        return make_login_limiter(
            settings.redis_url,
            max_per_user=settings.login_max_failures,
            max_per_ip=settings.login_max_failures_per_ip,
            window_seconds=settings.login_failure_window_seconds,
        )
