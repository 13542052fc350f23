"""Which platform a site's credits go to, from the country file and the environment."""

from __future__ import annotations

import pytest

from country_api.plugins.meters import platform_for_site
from country_api.plugins.meters.koios import KoiosPlatform
from country_api.plugins.meters.onemeter import OneMeterPlatform
from country_api.plugins.meters.protocol import PlatformError, PlatformNotConfigured
from country_api.plugins.meters.thundercloud import ThunderCloudPlatform
from gridcare.core.countries import load_country
from tests.country_api.plugins.meters.factories import credit

SPARKMETER_ENV = {
    "GRIDCARE_KOIOS_URL": "http://127.0.0.1:9",
    "GRIDCARE_KOIOS_API_KEY": "k",
    "GRIDCARE_KOIOS_API_SECRET": "s",
    "GRIDCARE_THUNDERCLOUD_URL": "http://127.0.0.1:9",
    "GRIDCARE_THUNDERCLOUD_TOKEN": "t",
}


@pytest.fixture
def sparkmeter_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SPARKMETER_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("sparkmeter_env")
@pytest.mark.parametrize(
    ("country", "site", "platform_class"),
    [
        ("ls", "MAK", ThunderCloudPlatform),
        ("ls", "SHG", KoiosPlatform),
        ("ls", "ZZZ", KoiosPlatform),
        ("bn", "SAM", KoiosPlatform),
        ("zm", "ABC", OneMeterPlatform),
    ],
)
def test_site_platform_follows_the_country_file(
    country: str, site: str, platform_class: type
) -> None:
    assert isinstance(platform_for_site(load_country(country), site), platform_class)


def test_missing_secret_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GRIDCARE_THUNDERCLOUD_URL", "GRIDCARE_LS_THUNDERCLOUD_URL"):
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(PlatformNotConfigured, match="GRIDCARE_THUNDERCLOUD_URL is not set"):
        platform_for_site(load_country("ls"), "MAK")


async def test_onemeter_refuses_credits_for_good() -> None:
    platform = platform_for_site(load_country("zm"), "ABC")

    with pytest.raises(PlatformError, match="applied by the meter gateway") as raised:
        await platform.push_credit(credit("5", currency="ZMW"))

    assert not raised.value.retryable
