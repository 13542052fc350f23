"""Finds plugins by name through Python entry points, so a provider can ship as its own package.

Groups: `gridcare.payment_parsers` (see `plugins/payments/protocol.py`) and
`gridcare.meter_platforms` (see `plugins/meters/protocol.py`). Declare a provider in the
`[project.entry-points."<group>"]` table of its package's `pyproject.toml`.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from gridcare.core.countries import ConfigError, CountryConfig

PAYMENT_PARSERS = "gridcare.payment_parsers"
METER_PLATFORMS = "gridcare.meter_platforms"


@cache
def _entry_points(group: str) -> dict[str, EntryPoint]:
    return {entry.name: entry for entry in entry_points(group=group)}


def plugin_names(group: str) -> frozenset[str]:
    return frozenset(_entry_points(group))


def load_plugin(group: str, name: str) -> Any:
    """The object a plugin's entry point names (a class or a factory)."""
    try:
        return _entry_points(group)[name].load()
    except KeyError:
        known = ", ".join(sorted(_entry_points(group))) or "none installed"
        raise ConfigError(f"no {group} plugin named {name!r} (known: {known})") from None


def check_plugin_names(country: CountryConfig, *, source: str) -> None:
    """Stop start-up when the country file names a plugin that is not installed."""
    wanted = [
        (f"payments.parsers[{i}]", PAYMENT_PARSERS, name)
        for i, name in enumerate(country.payments.parsers)
    ]
    wanted.append(("meters.default_platform", METER_PLATFORMS, country.meters.default_platform))
    wanted += [
        (f"sites[{i}].meter_platform", METER_PLATFORMS, site.meter_platform)
        for i, site in enumerate(country.sites)
        if site.meter_platform
    ]
    for field, group, name in wanted:
        if name not in plugin_names(group):
            known = ", ".join(sorted(plugin_names(group))) or "none installed"
            raise ConfigError(f"{source}: field {field}: unknown plugin {name!r} (known: {known})")
