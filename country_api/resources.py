"""What a country process holds for its lifetime, made once at start-up.

Routes receive these through the typed dependencies in `deps.py`; background workers through
`workers.py`. Tests and benchmarks replace a part by passing it here (a fake meter platform, a
faster retry policy), never by setting attributes on the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from sqlalchemy import Engine

from country_api.config import Settings, load_settings
from country_api.imports.schedule import ClientFactory
from country_api.jwks import JwksCache
from country_api.payments.outbox import PlatformFor, RetryPolicy
from country_api.payments.parsers import ParserChain
from country_api.plugins.meters.factory import platforms_from_env
from gridcare.core.clock import Clock, utc_now
from gridcare.core.countries import CountryConfig
from gridcare.core.db import make_engine


@dataclass
class CountryResources:
    settings: Settings
    engine: Engine
    jwks: JwksCache | None
    """None in processes that verify no tokens (workers, commands)."""
    parsers: ParserChain
    platform_for: PlatformFor
    """A site code → the meter platform its credits go to."""
    clock: Clock = utc_now
    credit_retry: RetryPolicy = field(default_factory=RetryPolicy)
    koios_client_factory: ClientFactory | None = None
    """Builds the scheduled Koios import's client; from the environment when None."""

    @property
    def country(self) -> CountryConfig:
        return self.settings.country

    @classmethod
    def build(
        cls,
        settings: Settings | None = None,
        *,
        engine: Engine | None = None,
        jwks_transport: httpx.AsyncBaseTransport | None = None,
        verifies_tokens: bool = True,
        parsers: ParserChain | None = None,
        platform_for: PlatformFor | None = None,
        clock: Clock = utc_now,
        credit_retry: RetryPolicy | None = None,
        koios_client_factory: ClientFactory | None = None,
    ) -> CountryResources:
        """Everything from settings (the environment's when None); any part may be given."""
        settings = settings or load_settings()
        if engine is None:
            if settings.database_url is None:
                raise RuntimeError("GRIDCARE_DATABASE_URL is not set")
            engine = make_engine(settings.database_url.get_secret_value())
        country = settings.country
        return cls(
            settings=settings,
            engine=engine,
            jwks=(
                JwksCache(settings.jwks_endpoint, transport=jwks_transport)
                if verifies_tokens
                else None
            ),
            parsers=parsers or ParserChain(country),
            platform_for=platform_for or platforms_from_env(country),
            clock=clock,
            credit_retry=credit_retry or RetryPolicy(),
            koios_client_factory=koios_client_factory,
        )
