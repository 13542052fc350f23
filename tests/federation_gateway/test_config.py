"""Gateway settings: country addresses from the country files, overridable from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from federation_gateway.config import load_settings
from federation_gateway.migrate import upgrade
from gridcare.core.countries import ConfigError
from gridcare.core.db import make_engine
from gridcare.core.paths import CONFIG_DIR


def test_country_addresses_default_to_each_country_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRIDCARE_COUNTRY_API_URLS", raising=False)
    settings = load_settings()
    assert sorted(settings.countries) == ["bn", "ls", "zm"]
    ls = settings.countries["ls"]
    assert (ls.code, ls.api_url, ls.timeout_seconds) == ("LS", "http://127.0.0.1:8101", 5.0)
    assert settings.country("BN") is settings.countries["bn"]
    assert settings.country("xx") is None


def test_the_environment_overrides_some_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCARE_COUNTRY_API_URLS", " LS=http://10.0.0.5:9001/ , bn=http://bn:80")
    monkeypatch.setenv("GRIDCARE_TOKEN_TTL_SECONDS", "900")
    settings = load_settings()
    assert settings.countries["ls"].api_url == "http://10.0.0.5:9001"
    assert settings.countries["bn"].api_url == "http://bn:80"
    assert settings.countries["zm"].api_url == "http://127.0.0.1:8103"
    assert settings.token_ttl_seconds == 900


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ls=http://a,xx=http://b", "no country file for xx"),
        ("ls:http://a", "must look like ls=http"),
    ],
)
def test_bad_country_addresses_stop_start_up_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("GRIDCARE_COUNTRY_API_URLS", value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert message in str(raised.value)
    assert "country_api_urls" in str(raised.value).lower()


def test_a_broken_country_file_stops_start_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for source in CONFIG_DIR.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "zm.yaml").write_text("code: ZM\nname: Zambia\n", encoding="utf-8")
    monkeypatch.setenv("GRIDCARE_CONFIG_DIR", str(tmp_path))
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert "zm.yaml" in str(raised.value)
    assert "currency" in str(raised.value)


def test_migrations_build_the_employees_table_and_run_twice(gateway_database_url: str) -> None:
    upgrade(gateway_database_url)  # already at head: a no-op
    engine = make_engine(gateway_database_url, pool_size=1)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("employees")}
    finally:
        engine.dispose()
    assert columns == {
        "id",
        "username",
        "password_hash",
        "display_name",
        "roles",
        "active",
        "created_at",
        "updated_at",
    }


def test_the_database_url_falls_back_to_the_generic_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GRIDCARE_GATEWAY_DATABASE_URL", raising=False)
    monkeypatch.setenv("GRIDCARE_DATABASE_URL", "postgresql://generic/db")
    assert load_settings().gateway_database_url.get_secret_value() == "postgresql://generic/db"
    monkeypatch.setenv("GRIDCARE_GATEWAY_DATABASE_URL", "postgresql://gateway/db")
    assert load_settings().gateway_database_url.get_secret_value() == "postgresql://gateway/db"
    assert (
        load_settings(
            gateway_database_url="postgresql://init/db"
        ).gateway_database_url.get_secret_value()
        == "postgresql://init/db"
    )
