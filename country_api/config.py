"""The country API's settings: the country file named by `GRIDCARE_COUNTRY`, then environment.

Country values come from `config/countries/<code>.yaml` and may be overridden per deployment
with `GRIDCARE_<FIELD>` (nested with `__`, e.g. `GRIDCARE_FEATURES__METER_CREDIT=false`).
Secrets come only from the environment. A bad value stops start-up with a message naming the
file (or variable) and the field.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from gridcare.core.countries import (
    ConfigError,
    CountryConfig,
    describe_validation_error,
    load_country,
)
from gridcare.core.paths import CONFIG_DIR

COUNTRY_FIELDS = frozenset(CountryConfig.model_fields)
DEMO_JWKS_URL = "http://127.0.0.1:8000/.well-known/jwks.json"


class _CountryFileSource(PydanticBaseSettingsSource):
    """Feeds the validated country file in as the lowest-priority settings source."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls)
        self.path = path

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        raise NotImplementedError  # __call__ reads the whole file at once

    def __call__(self) -> dict[str, Any]:
        return load_country(self.path).model_dump()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GRIDCARE_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    # Country values (from the country file, overridable from the environment).
    code: str
    name: str
    currency: str
    locale: str
    locales: list[str]
    timezone: str
    meter_clock_utc_offset: str
    api: dict[str, Any]
    tariff: dict[str, Any]
    fees: dict[str, Any] = {}
    payments: dict[str, Any]
    meters: dict[str, Any]
    features: dict[str, Any] = {}
    registration: dict[str, Any] = {}
    sites: list[dict[str, Any]] = []

    # Deployment values and secrets: environment only.
    database_url: SecretStr | None = None
    jwks_url: str | None = None
    """The gateway's key set. Required outside the demo: a country API never falls back to
    trusting plain-HTTP keys on a local port unless `demo` says so."""
    demo: bool = False
    """Demo mode (`gridcare demo`): /docs open, the loopback gateway's keys by default."""
    token_issuer: str = "gridcare-gateway"  # noqa: S105  (a name, not a secret)
    sms_gateway_keys: SecretStr | None = None
    iot_key: SecretStr | None = None
    mqtt_url: str | None = None
    mqtt_client_id: str | None = None
    """Persistent-session client id; `gridcare-<country>-telemetry` when unset. Each copy of
    the worker sets its own and shares the topic (`$share/gridcare/oneMeter/+/telemetry`)."""
    mqtt_topic: str = "oneMeter/+/telemetry"
    redis_url: str | None = None
    run_workers: bool = False
    """Run the background workers inside the API process (`serve country --with-workers`, the
    demo); production runs them apart (`gridcare worker`)."""
    outbox_metric_interval_seconds: float = 60  # credit outbox backlog log line; 0: off
    rollup_refresh_seconds: float = 30.0  # how often queued rollup cells are recomputed; 0: off
    koios_import_interval_minutes: float = 0  # 0: off; see country_api/imports/schedule.py
    koios_import_sites: str = ""  # "org/site,org/site", for the scheduled Koios import

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _CountryFileSource(settings_cls, country_file()))

    @model_validator(mode="after")
    def _country_is_consistent(self) -> Settings:
        self.country  # noqa: B018  validates the merged country values once, at start-up
        return self

    @property
    def jwks_endpoint(self) -> str:
        """Where the API fetches the gateway's keys; `ConfigError` when none is set outside the
        demo (checked when the API starts; commands and workers verify no tokens)."""
        if self.jwks_url is not None:
            return self.jwks_url
        if self.demo:
            return DEMO_JWKS_URL
        raise ConfigError(
            "GRIDCARE_JWKS_URL is not set: name the gateway's key set"
            " (https://<gateway>/.well-known/jwks.json); only the demo may default to the"
            " local gateway"
        )

    @cached_property
    def country(self) -> CountryConfig:
        """The country as the rest of the code sees it, file and overrides merged."""
        values = self.model_dump(include=set(COUNTRY_FIELDS))
        try:
            country = CountryConfig.model_validate(values)
        except ValidationError as error:
            source = f"{country_file()} (with GRIDCARE_ overrides)"
            raise ConfigError(describe_validation_error(source, error)) from None
        from country_api.plugins.registry import check_plugin_names

        check_plugin_names(country, source=str(country_file()))
        return country

    @property
    def sms_keys(self) -> frozenset[str]:
        raw = self.sms_gateway_keys.get_secret_value() if self.sms_gateway_keys else ""
        return frozenset(key.strip() for key in raw.split(",") if key.strip())


def country_file() -> Path:
    code = os.environ.get("GRIDCARE_COUNTRY")
    if not code:
        raise ConfigError("GRIDCARE_COUNTRY is not set: name a country file such as ls")
    config_dir = Path(os.environ.get("GRIDCARE_CONFIG_DIR", CONFIG_DIR))
    return config_dir / f"{code.lower()}.yaml"


def load_settings() -> Settings:
    """Settings for this process, or a `ConfigError` that names the file and field."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError(describe_validation_error(str(country_file()), error)) from None
