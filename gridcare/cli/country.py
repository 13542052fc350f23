"""Countries: scaffold a new country file, the one thing a new country needs in the repository."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import typer
import yaml
from pydantic import ValidationError

from gridcare.core.countries import (
    PAYMENT_CEILING,
    SITE_CODE,
    ConfigError,
    CountryConfig,
    country_paths,
    load_country,
    read_country_file,
)
from gridcare.core.paths import CONFIG_DIR

app = typer.Typer(no_args_is_help=True, help=__doc__)

FIRST_API_PORT = 8101
RESERVED_PORTS = frozenset({8000})
"""The gateway's default port; a country never takes it."""

METER_PLATFORM_SECRETS: dict[str, tuple[str, ...]] = {
    "koios": ("GRIDCARE_KOIOS_API_KEY", "GRIDCARE_KOIOS_API_SECRET"),
    "thundercloud": ("GRIDCARE_THUNDERCLOUD_TOKEN",),
    "onemeter": ("GRIDCARE_IOT_KEY", "GRIDCARE_MQTT_URL"),
}
"""Secrets each meter platform needs, by environment variable; Terraform makes the same ones
(`local.platform_secret_names` in infra/terraform/modules/country/main.tf)."""

FLAGS = {
    "code": "--code",
    "name": "--name",
    "currency": "--currency",
    "locale": "--locale",
    "locales": "--locale",
    "timezone": "--timezone",
    "meter_clock_utc_offset": "--meter-clock",
    "api": "--port",
    "sites": "--site",
    "tariff": "--tariff-per-kwh",
    "payments": "--payment-parser",
    "meters": "--meter-platform",
}


def _fail(flag: str, message: str) -> typer.Exit:
    typer.secho(f"error: {flag}: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code=2)


@app.command("new")
def new_country(
    code: str = typer.Option(
        ..., prompt="Country code (ISO 3166, two letters)", help="LS, BN, ZM…"
    ),
    name: str = typer.Option(..., prompt="Country name", help="Zambia"),
    currency: str = typer.Option(..., prompt="Currency (ISO 4217)", help="ZMW"),
    locale: str = typer.Option(..., prompt="Locale (babel)", help="en_ZM"),
    timezone: str = typer.Option(..., prompt="Timezone (IANA)", help="Africa/Lusaka"),
    meter_platform: str = typer.Option(
        ..., prompt="Default meter platform plugin", help="koios, thundercloud or onemeter"
    ),
    site: list[str] = typer.Option(
        [], "--site", help="A site as CODE=Name (three upper-case letters); repeat for more."
    ),
    payment_parser: list[str] = typer.Option(
        [], "--payment-parser", help="Payment parser plugin, tried in order; repeat for more."
    ),
    tariff_per_kwh: str | None = typer.Option(
        None, help="Default tariff, currency (major units) per kWh; none until one is agreed."
    ),
    max_payment: str | None = typer.Option(
        None,
        help="Largest single payment accepted, currency (major units); more is refused."
        " The platform ceiling (10,000,000) when left out.",
    ),
    meter_clock: str | None = typer.Option(
        None, help="UTC offset the meters report in (+02:00); the timezone's offset by default."
    ),
    port: int | None = typer.Option(
        None, help="Port of the country API; the next after the existing countries' by default."
    ),
    config_dir: Path = typer.Option(CONFIG_DIR, help="Directory of country files."),
) -> None:
    """Write config/countries/<code>.yaml for a new country, then print what else to do.

    A new country starts with payment automation and meter credit switched off: they are
    turned on in the file once its mobile-money and meter platform accounts are verified.
    """
    if not re.fullmatch(r"[A-Za-z]{2}", code.strip()):
        raise _fail("--code", f"{code!r} must be two letters (ISO 3166), such as ZM")
    slug = code.strip().lower()
    path = config_dir / f"{slug}.yaml"
    if path.exists():
        raise _fail("--code", f"{path} already exists: {slug.upper()} is already a country")
    if not name.strip():
        raise _fail("--name", "the country needs a name")
    existing = _existing_countries(config_dir)
    data = {
        "code": code.strip().upper(),
        "name": name.strip(),
        "currency": currency.strip().upper(),
        "locale": locale.strip(),
        "locales": [locale.strip()],
        "timezone": timezone.strip(),
        "meter_clock_utc_offset": meter_clock or _standard_offset(timezone.strip()),
        "api": _api(port, existing),
        "tariff": {"default_rate_per_kwh": _tariff(tariff_per_kwh)},
        "payments": _payments(payment_parser, max_payment),
        "meters": {"default_platform": meter_platform.strip()},
        "features": {"payment_automation": False, "meter_credit": False},
        "sites": [_site(value) for value in site],
    }
    country = _validate(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(render_country_file(data))
    load_country(path)  # what the services will read, read back once
    typer.secho(f"wrote {path}", fg=typer.colors.GREEN)
    typer.echo(next_steps(country))


def _existing_countries(config_dir: Path) -> dict[str, dict[str, Any]]:
    try:
        return {path.stem: read_country_file(path) for path in country_paths(config_dir)}
    except ConfigError as error:
        raise _fail("--config-dir", str(error)) from None


def _api(port: int | None, existing: dict[str, dict[str, Any]]) -> dict[str, Any]:
    taken = {
        country["api"]["port"]
        for country in existing.values()
        if isinstance(country.get("api"), dict) and isinstance(country["api"].get("port"), int)
    }
    if port is None:
        port = max(taken, default=FIRST_API_PORT - 1) + 1
        while port in taken | RESERVED_PORTS:
            port += 1
    elif port in taken | RESERVED_PORTS:
        raise _fail("--port", f"{port} is already used by another country or the gateway")
    return {"port": port, "public_url": f"http://127.0.0.1:{port}", "timeout_seconds": 5}


def _standard_offset(timezone: str) -> str:
    """The zone's UTC offset in January (meter clocks do not follow daylight saving)."""
    try:
        offset = dt.datetime(2025, 1, 15, tzinfo=zoneinfo.ZoneInfo(timezone)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _fail("--timezone", f"{timezone!r} is not an IANA timezone") from None
    minutes = int((offset or dt.timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _tariff(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise _fail("--tariff-per-kwh", f"{value!r} is not a number") from None
    if not rate.is_finite() or rate <= 0:
        raise _fail("--tariff-per-kwh", f"{value!r} must be a positive number")
    return str(rate)


def _payments(parsers: list[str], max_payment: str | None) -> dict[str, Any]:
    if max_payment is None:
        return {"parsers": parsers}
    try:
        amount = Decimal(max_payment)
    except InvalidOperation:
        raise _fail("--max-payment", f"{max_payment!r} is not a number") from None
    if not amount.is_finite() or not 0 < amount <= PAYMENT_CEILING:
        raise _fail(
            "--max-payment", f"{max_payment!r} must be above 0 and at most {PAYMENT_CEILING}"
        )
    return {"parsers": parsers, "max_amount": str(amount)}


def _site(value: str) -> dict[str, str]:
    code, separator, name = value.partition("=")
    if not separator or not name.strip():
        raise _fail("--site", f"{value!r} must look like MAK=Ha Makebe")
    if not SITE_CODE.match(code.strip()):
        raise _fail("--site", f"site code {code.strip()!r} must be three upper-case letters")
    return {"code": code.strip(), "name": name.strip()}


def _validate(data: dict[str, Any]) -> CountryConfig:
    """The country as the services will validate it, each problem named by its flag."""
    try:
        country = CountryConfig.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        field = str(problem["loc"][0]) if problem["loc"] else "code"
        message = str(problem["msg"]).removeprefix("Value error, ")
        raise _fail(FLAGS.get(field, field), message) from None
    from country_api.plugins.registry import (
        METER_PLATFORMS,
        PAYMENT_PARSERS,
        plugin_names,
    )

    for flag, group, names in (
        ("--payment-parser", PAYMENT_PARSERS, country.payments.parsers),
        ("--meter-platform", METER_PLATFORMS, [country.meters.default_platform]),
    ):
        known = plugin_names(group)
        for unknown in [name for name in names if name not in known]:
            raise _fail(flag, f"no plugin named {unknown!r} (known: {', '.join(sorted(known))})")
    return country


class _CountryFileDumper(yaml.SafeDumper):
    """Short lists on one line (`locales: [en_ZM]`), as the hand-written files have them."""


def _flow_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=True)


_CountryFileDumper.add_representer(list, _flow_list)


def render_country_file(data: dict[str, Any]) -> str:
    """The file as people write them: commented, in the usual order, sites one per line."""
    body = {key: value for key, value in data.items() if key != "sites"}
    dumped = yaml.dump(body, Dumper=_CountryFileDumper, sort_keys=False, allow_unicode=True)
    sites = "".join(
        f"  - {{code: {site['code']}, name: {json.dumps(site['name'], ensure_ascii=False)}}}\n"
        for site in data["sites"]
    )
    return (
        f"# {data['name']}. Read by country_api (pydantic-settings) and Terraform (yamldecode).\n"
        "# Scaffolded by `gridcare country new`: payment automation and meter credit stay off\n"
        "# until the mobile-money and meter platform accounts are verified.\n"
        "# Secrets never live here: they come from the environment.\n"
        f"{dumped}" + ("sites:\n" + sites if sites else "sites: []\n")
    )


def next_steps(country: CountryConfig) -> str:
    slug = country.slug
    named = {site.meter_platform for site in country.sites if site.meter_platform}
    platforms = sorted({country.meters.default_platform, *named})
    secrets = ["GRIDCARE_SMS_GATEWAY_KEYS"]
    secrets += [name for platform in platforms for name in METER_PLATFORM_SECRETS.get(platform, ())]
    secret_lines = "\n".join(
        f"       aws secretsmanager put-secret-value --secret-id gridcare/production/{slug}/{name}"
        " --secret-string …"
        for name in secrets
    )
    return f"""
Next steps for {country.name} ({country.code}) — docs/runbook-new-country.md has the detail:
  1. Commit config/countries/{slug}.yaml and open a pull request; `make test` checks the file
     against the app and the Terraform country module.
  2. Provision: in infra/terraform, `terraform plan` shows module.country["{slug}"] (database,
     service, secrets, {slug}.api.<zone>, alarms); then `terraform apply`.
  3. Set the secrets Terraform created empty (GRIDCARE_DATABASE_URL is written by Terraform):
{secret_lines}
  4. Migrate the database: `gridcare db upgrade --country {slug}` as a one-off task
     (output country_migration_tasks), or locally with GRIDCARE_DATABASE_URL set.
  5. Start the service and check `https://{slug}.api.<zone>/health` answers 200 with
     "country": "{country.code}".
  6. Register it with the gateway: the apply passes GRIDCARE_COUNTRY_API_URLS
     ({slug}=https://{slug}.api.<zone>,…) to the gateway; redeploy the gateway so it
     reads the new country file. Locally: GRIDCARE_COUNTRY_API_URLS={slug}={country.api.public_url}.
  7. Point the SMS gateways at https://{slug}.api.<zone>/api/sms/incoming, grant staff roles
     for {country.code}, then switch on features.payment_automation and features.meter_credit.
"""
