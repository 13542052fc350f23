"""The country file: `config/countries/<code>.yaml`, the one source of truth for a country.

The same file is read by the country API (through its settings class), by the gateway (to
know every country and where its API lives) and by Terraform (`yamldecode`). Secrets never
live here; `CountryConfig` forbids unknown keys so a database URL pasted into a file is an
error, not a leak.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from gridcare.core.paths import CONFIG_DIR

SITE_CODE = re.compile(r"^[A-Z]{3}$")
UTC_OFFSET = re.compile(r"^[+-](0\d|1[0-4]):[0-5]\d$")


class ConfigError(Exception):
    """A country file cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteConfig(_Strict):
    code: str
    name: str
    meter_platform: str | None = None
    """Meter platform plugin for this site's credits; the country default when unset."""
    district: str | None = None
    alt_names: list[str] = []
    """Other spellings staff and registries use (searchable beside the name)."""

    @field_validator("code")
    @classmethod
    def _three_letters(cls, code: str) -> str:
        if not SITE_CODE.match(code):
            raise ValueError(f"site code {code!r} must be three upper-case letters")
        return code


class ApiConfig(_Strict):
    port: Annotated[int, Field(ge=1, le=65535)]
    public_url: str
    timeout_seconds: Annotated[float, Field(gt=0)] = 5.0


class TariffConfig(_Strict):
    default_rate_per_kwh: Annotated[Decimal, Field(gt=0)] | None
    """Currency (major units) per kWh; None while the country has no tariff yet."""


class FeeItem(_Strict):
    code: str
    amount: Annotated[Decimal, Field(gt=0)]


class FeesConfig(_Strict):
    debt_share_of_payment: Annotated[Decimal, Field(ge=0, le=1)] = Decimal("0.5")
    items: list[FeeItem] = []


PAYMENT_CEILING = Decimal(10_000_000)
"""The largest payment any country may accept, in major units: what the ledger can hold at any
tariff (kWh = amount / rate, with rates down to 0.0001 and kWh below 10¹² in `payments.kwh`)."""


class PaymentsConfig(_Strict):
    parsers: list[str]
    """Payment parser plugin names, tried in order (see `country_api/plugins/payments`)."""
    max_amount: Annotated[Decimal, Field(gt=0, le=PAYMENT_CEILING)] | None = None
    """The largest single payment accepted (currency, major units): webhook posts and manual
    payments over it are refused (422), SMS over it kept as `rejected`. Unset: the platform
    ceiling, `PAYMENT_CEILING`."""

    @property
    def largest_amount(self) -> Decimal:
        return self.max_amount if self.max_amount is not None else PAYMENT_CEILING


class MetersConfig(_Strict):
    default_platform: str
    """Meter platform plugin for sites that name none (see `country_api/plugins/meters`)."""


class FeaturesConfig(_Strict):
    payment_automation: bool = True
    meter_credit: bool = True


class BoundsConfig(_Strict):
    """The box a GPS position must fall in (decimal degrees, WGS 84)."""

    min_latitude: Annotated[float, Field(ge=-90, le=90)]
    max_latitude: Annotated[float, Field(ge=-90, le=90)]
    min_longitude: Annotated[float, Field(ge=-180, le=180)]
    max_longitude: Annotated[float, Field(ge=-180, le=180)]

    @model_validator(mode="after")
    def _ordered(self) -> BoundsConfig:
        if self.min_latitude >= self.max_latitude or self.min_longitude >= self.max_longitude:
            raise ValueError("each min_ must be below its max_")
        return self

    def contains(self, latitude: float, longitude: float) -> bool:
        return (
            self.min_latitude <= latitude <= self.max_latitude
            and self.min_longitude <= longitude <= self.max_longitude
        )


class ExtraField(StrEnum):
    """Registration fields a country records only when its operator asks for them."""

    ROOMS = "rooms"
    APPLIANCES = "appliances"


class RegistrationConfig(_Strict):
    bounds: BoundsConfig | None = None
    """GPS positions outside this box are refused; no check when unset."""
    extra_fields: list[ExtraField] = []


class CountryConfig(_Strict):
    code: str
    name: str
    currency: str
    locale: str
    locales: list[str]
    timezone: str
    meter_clock_utc_offset: str
    api: ApiConfig
    tariff: TariffConfig
    fees: FeesConfig = FeesConfig()
    payments: PaymentsConfig
    meters: MetersConfig
    features: FeaturesConfig = FeaturesConfig()
    registration: RegistrationConfig = RegistrationConfig()
    sites: list[SiteConfig] = []

    @field_validator("code")
    @classmethod
    def _two_letters(cls, code: str) -> str:
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise ValueError(f"country code {code!r} must be two upper-case letters")
        return code

    @field_validator("currency")
    @classmethod
    def _iso_4217(cls, currency: str) -> str:
        if get_currency_name(currency, locale="en") == currency:
            raise ValueError(f"{currency!r} is not an ISO 4217 currency code")
        return currency

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, locale: str) -> str:
        return _parse_locale(locale)

    @field_validator("locales")
    @classmethod
    def _known_locales(cls, locales: list[str]) -> list[str]:
        return [_parse_locale(locale) for locale in locales]

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{name!r} is not an IANA timezone") from None
        return name

    @field_validator("meter_clock_utc_offset")
    @classmethod
    def _offset(cls, offset: str) -> str:
        if not UTC_OFFSET.match(offset):
            raise ValueError(f"{offset!r} must look like +02:00")
        return offset

    @field_validator("sites")
    @classmethod
    def _unique_sites(cls, sites: list[SiteConfig]) -> list[SiteConfig]:
        codes = [site.code for site in sites]
        duplicated = sorted({code for code in codes if codes.count(code) > 1})
        if duplicated:
            raise ValueError(f"site codes listed twice: {', '.join(duplicated)}")
        return sites

    @property
    def slug(self) -> str:
        """The lower-case code used in URLs and file names (`ls`)."""
        return self.code.lower()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def meter_clock(self) -> dt.timezone:
        """The fixed-offset clock meters report in (SAST for Lesotho's meters)."""
        sign = 1 if self.meter_clock_utc_offset[0] == "+" else -1
        hours, minutes = (int(part) for part in self.meter_clock_utc_offset[1:].split(":"))
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))

    def site_platform(self, site_code: str) -> str:
        for site in self.sites:
            if site.code == site_code:
                return site.meter_platform or self.meters.default_platform
        return self.meters.default_platform


def _parse_locale(name: str) -> str:
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"{name!r} is not a locale babel knows") from None
    return name


def read_country_file(path: Path) -> dict[str, Any]:
    """The raw mapping in a country file, or a `ConfigError` naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such country file") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    return data


def describe_validation_error(source: str, error: ValidationError) -> str:
    """One line per problem, each naming the source and the dotted field."""
    lines = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        lines.append(f"{source}: field {field}: {problem['msg']}")
    return "\n".join(lines)


def load_country(code_or_path: str | Path, config_dir: Path = CONFIG_DIR) -> CountryConfig:
    path = _country_path(code_or_path, config_dir)
    try:
        return CountryConfig.model_validate(read_country_file(path))
    except ValidationError as error:
        raise ConfigError(describe_validation_error(str(path), error)) from None


def country_paths(config_dir: Path = CONFIG_DIR) -> list[Path]:
    return sorted(config_dir.glob("*.yaml"))


def load_all_countries(config_dir: Path = CONFIG_DIR) -> dict[str, CountryConfig]:
    """Every country file, keyed by slug (`ls`); the file name must match the code."""
    countries = {}
    for path in country_paths(config_dir):
        country = load_country(path)
        if country.slug != path.stem:
            raise ConfigError(f"{path}: field code: {country.code!r} does not match the file name")
        countries[country.slug] = country
    return countries


def _country_path(code_or_path: str | Path, config_dir: Path) -> Path:
    if isinstance(code_or_path, Path) or str(code_or_path).endswith((".yaml", ".yml")):
        return Path(code_or_path)
    return config_dir / f"{str(code_or_path).lower()}.yaml"
