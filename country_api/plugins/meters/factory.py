"""The meter platform a site's credits go to, chosen by the country file."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from country_api.plugins.meters.protocol import MeterPlatform
from country_api.plugins.registry import METER_PLATFORMS, load_plugin
from gridcare.core.countries import CountryConfig


def platform_for_site(country: CountryConfig, site_code: str) -> MeterPlatform:
    """The site's platform (`sites[].meter_platform`, else `meters.default_platform`), built
    from the environment; `PlatformNotConfigured` names a missing variable."""
    platform_class = load_plugin(METER_PLATFORMS, country.site_platform(site_code))
    return cast(MeterPlatform, platform_class.from_env(country.code))


def platforms_from_env(country: CountryConfig) -> Callable[[str], MeterPlatform]:
    """A site code → its platform, each built from the environment when first asked for."""
    return lambda site_code: platform_for_site(country, site_code)
