"""Fake SparkMeter servers and the real clients pointed at them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from country_api.plugins.meters.koios import KoiosPlatform
from country_api.plugins.meters.thundercloud import ThunderCloudPlatform
from tests.fakes import FakeKoios, FakeThunderCloud

CUSTOMERS = {"0252SHG", "0045MAK", "0001KOT"}
TIMEOUT = 0.3


@pytest.fixture
def koios() -> Iterator[FakeKoios]:
    with FakeKoios(customers=CUSTOMERS) as fake:
        yield fake


@pytest.fixture
def thundercloud() -> Iterator[FakeThunderCloud]:
    with FakeThunderCloud(customers=CUSTOMERS) as fake:
        yield fake


@pytest.fixture
def koios_platform(koios: FakeKoios) -> KoiosPlatform:
    return KoiosPlatform(
        base_url=koios.url, key=koios.api_key, secret=koios.api_secret, timeout=TIMEOUT
    )


@pytest.fixture
def thundercloud_platform(thundercloud: FakeThunderCloud) -> ThunderCloudPlatform:
    return ThunderCloudPlatform(
        base_url=thundercloud.url, token=thundercloud.token, timeout=TIMEOUT
    )
