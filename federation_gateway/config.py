"""The gateway's settings: environment (`GRIDCARE_…`) plus every country file.

The gateway knows each country from `config/countries/*.yaml` (or `GRIDCARE_CONFIG_DIR`); where a
country's API lives defaults to the file's `api.public_url` and may be overridden per deployment
with `GRIDCARE_COUNTRY_API_URLS=ls=http://10.0.0.5:8101,bn=…`. Secrets (database URL, signing
key) come only from the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from federation_gateway.tokens import DEFAULT_ISSUER, DEFAULT_TTL_SECONDS
from gridcare.core.countries import (
    ConfigError,
    CountryConfig,
    describe_validation_error,
    load_all_countries,
)
from gridcare.core.paths import CONFIG_DIR, FRONTEND_DIST


@dataclass(frozen=True)
class CountryTarget:
    """One country as the gateway sees it: its file and where its API answers."""

    config: CountryConfig
    api_url: str
    timeout_seconds: float

    @property
    def code(self) -> str:
        return self.config.code


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GRIDCARE_", extra="ignore", frozen=True, populate_by_name=True
    )

    gateway_database_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("GRIDCARE_GATEWAY_DATABASE_URL", "GRIDCARE_DATABASE_URL"),
    )
    """`GRIDCARE_GATEWAY_DATABASE_URL`, else `GRIDCARE_DATABASE_URL` (a gateway-only process)."""
    gateway_signing_key: SecretStr | None = None
    """The private signing key as JWK JSON; generated at start (with a warning) when unset."""
    country_api_urls: Annotated[dict[str, str], NoDecode] = {}
    config_dir: Path = CONFIG_DIR
    frontend_dir: Path = FRONTEND_DIST
    demo: bool = False
    """Demo mode (`gridcare demo`): /docs and /openapi.json open to anyone."""
    """The built portal served at `/` (skipped when it holds no index.html)."""
    redis_url: str | None = None
    """Shared state between gateway instances (log-in limits, caches); in-process when unset."""
    login_max_failures: Annotated[int, Field(ge=0)] = 10
    """Failed log-ins per username before it is locked for the window (0: never)."""
    login_max_failures_per_ip: Annotated[int, Field(ge=0)] = 50
    """Failed log-ins per client address before it is locked for the window (0: never)."""
    login_failure_window_seconds: Annotated[int, Field(gt=0)] = 900
    token_ttl_seconds: Annotated[int, Field(gt=0)] = DEFAULT_TTL_SECONDS
    token_issuer: str = DEFAULT_ISSUER
    metrics_token: SecretStr | None = None
    """`GRIDCARE_METRICS_TOKEN`: the bearer token `/metrics` asks for; unset, `/metrics` is 404."""

    @field_validator("country_api_urls", mode="before")
    @classmethod
    def _parse_urls(cls, value: Any) -> Any:
        """`ls=http://127.0.0.1:8101,bn=http://…` → {"ls": "http://127.0.0.1:8101", …}."""
        if not isinstance(value, str):
            return value
        urls = {}
        for item in filter(None, (part.strip() for part in value.split(","))):
            slug, separator, url = item.partition("=")
            if not separator or not slug.strip() or not url.strip():
                raise ValueError(f"{item!r} must look like ls=http://127.0.0.1:8101")
            urls[slug.strip().lower()] = url.strip().rstrip("/")
        return urls

    @cached_property
    def countries(self) -> dict[str, CountryTarget]:
        """Every configured country keyed by slug (`ls`), with its API address."""
        configs = load_all_countries(self.config_dir)
        unknown = sorted(set(self.country_api_urls) - set(configs))
        if unknown:
            raise ConfigError(
                f"GRIDCARE_COUNTRY_API_URLS: no country file for {', '.join(unknown)}"
                f" in {self.config_dir}"
            )
        return {
            slug: CountryTarget(
                config=config,
                api_url=self.country_api_urls.get(slug, config.api.public_url).rstrip("/"),
                timeout_seconds=config.api.timeout_seconds,
            )
            for slug, config in configs.items()
        }

    def country(self, code: str) -> CountryTarget | None:
        return self.countries.get(code.strip().lower())


def load_settings(**overrides: Any) -> Settings:
    """Settings for this process, or a `ConfigError` naming the variable and the problem."""
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        raise ConfigError(
            describe_validation_error("gateway settings (GRIDCARE_…)", error)
        ) from None
    settings.countries  # noqa: B018  a bad country file stops start-up here, not on first use
    return settings


def known_country_codes(config_dir: Path | None = None) -> frozenset[str]:
    """Upper-case codes of every country file (`LS`, `BN`, `ZM`)."""
    directory = config_dir or Path(os.environ.get("GRIDCARE_CONFIG_DIR", CONFIG_DIR))
    return frozenset(config.code for config in load_all_countries(directory).values())
