"""Every country file loads; bad files stop start-up with a message naming file and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from country_api.config import load_settings
from gridcare.core.countries import (
    ConfigError,
    country_paths,
    load_all_countries,
    load_country,
)
from gridcare.core.paths import CONFIG_DIR


@pytest.mark.parametrize("path", country_paths(), ids=lambda path: path.stem)
def test_every_country_file_loads_as_settings(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCARE_COUNTRY", path.stem)
    settings = load_settings()
    assert settings.country.slug == path.stem
    assert settings.database_url is None  # secrets never come from the file


def test_the_three_countries_as_the_operator_runs_them() -> None:
    countries = load_all_countries()
    assert set(countries) == {"ls", "bn", "zm"}
    ls, bn, zm = countries["ls"], countries["bn"], countries["zm"]
    assert (ls.currency, bn.currency, zm.currency) == ("LSL", "XOF", "ZMW")
    assert (ls.locale, bn.locale, zm.locale) == ("en_LS", "fr_BJ", "en_ZM")
    assert "st_LS" in ls.locales
    assert len(ls.sites) == 19 and [s.code for s in bn.sites] == ["GBO", "SAM", "KOT"]
    assert zm.sites == []
    assert ls.tariff.default_rate_per_kwh == Decimal("5.0")
    assert bn.tariff.default_rate_per_kwh == Decimal("160")
    assert zm.tariff.default_rate_per_kwh is None
    assert not zm.features.payment_automation and not zm.features.meter_credit
    assert ls.site_platform("MAK") == "thundercloud" and ls.site_platform("SHG") == "koios"
    assert [fee.amount for fee in ls.fees.items] == [Decimal("501"), Decimal("499")]


def _write_variant(tmp_path: Path, **changes: object) -> Path:
    data = yaml.safe_load((CONFIG_DIR / "ls.yaml").read_text())
    data.update(changes)
    path = tmp_path / "ls.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currency": "LSX"}, "currency"),
        ({"timezone": "Africa/Nowhere"}, "timezone"),
        ({"locale": "xx_YY"}, "locale"),
        ({"sites": [{"code": "mak", "name": "lower case"}]}, "sites.0.code"),
        ({"database_url": "postgresql://secret@db/ls"}, "database_url"),
        ({"api": {"port": 70000, "public_url": "http://x"}}, "api.port"),
    ],
)
def test_a_malformed_file_names_the_file_and_the_field(
    tmp_path: Path, changes: dict[str, object], field: str
) -> None:
    path = _write_variant(tmp_path, **changes)
    with pytest.raises(ConfigError) as raised:
        load_country(path)
    assert str(path) in str(raised.value)
    assert f"field {field}" in str(raised.value)


def test_an_unknown_plugin_stops_start_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_variant(tmp_path, payments={"parsers": ["mpesa_ls", "carrier_pigeon"]})
    monkeypatch.setenv("GRIDCARE_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("GRIDCARE_COUNTRY", "ls")
    with pytest.raises(
        ConfigError, match=r"ls\.yaml: field payments\.parsers\[1\]: unknown plugin"
    ):
        load_settings()


def test_broken_yaml_is_reported_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ls.yaml"
    path.write_text("code: LS\n  name: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_country(path)


def test_environment_overrides_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCARE_COUNTRY", "ls")
    monkeypatch.setenv("GRIDCARE_FEATURES__METER_CREDIT", "false")
    monkeypatch.setenv("GRIDCARE_DATABASE_URL", "postgresql://db/ls")
    settings = load_settings()
    assert settings.country.features.meter_credit is False
    assert settings.country.features.payment_automation is True
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://db/ls"


def test_a_bad_override_names_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCARE_COUNTRY", "bn")
    monkeypatch.setenv("GRIDCARE_CURRENCY", "NOPE")
    with pytest.raises(ConfigError, match="field currency"):
        load_settings()


def test_a_missing_country_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCARE_COUNTRY", "xx")
    with pytest.raises(ConfigError, match=r"xx\.yaml: no such country file"):
        load_settings()
