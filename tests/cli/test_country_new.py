"""`gridcare country new`, then the runbook: load the file, migrate, serve, ask for health."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from country_api.migrate import upgrade
from gridcare.cli import app
from gridcare.core.countries import load_all_countries, load_country
from gridcare.core.paths import CONFIG_DIR
from tests.infra.terraform_config import assert_country_files_fit_the_module
from tests.support.databases import DatabaseFactory
from tests.support.waiting import eventually_blocking

runner = CliRunner()
GRIDCARE = Path(sys.executable).with_name("gridcare")

ZEDLAND = [
    "--code", "zz", "--name", "Zedland", "--currency", "zmw", "--locale", "en_ZM",
    "--timezone", "Africa/Lusaka", "--meter-platform", "koios",
    "--site", "ABC=Abc Village", "--site", "DEF=Déf Hills",
    "--payment-parser", "airtel_zm", "--payment-parser", "mtn_zm",
]  # fmt: skip


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A copy of the real country files, so the new one is scaffolded beside them."""
    directory = tmp_path / "countries"
    shutil.copytree(CONFIG_DIR, directory)
    return directory


def new_country(config_dir: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(
        app, ["country", "new", *args, "--config-dir", str(config_dir)], input=stdin
    )
    return result.exit_code, result.output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving_country(slug: str, config_dir: Path, database_url: str) -> Iterator[str]:
    """`gridcare serve country` in its own process, as production runs it; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        "GRIDCARE_CONFIG_DIR": str(config_dir),
        "GRIDCARE_DATABASE_URL": database_url,
        "GRIDCARE_JWKS_URL": "http://127.0.0.1:9/.well-known/jwks.json",  # read per request
    }
    command = [str(GRIDCARE), "serve", "country", "--country", slug, "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(
                f"the country API exited: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            httpx.get(f"{url}/health", timeout=1)
        except httpx.TransportError:
            return False
        return True

    try:
        eventually_blocking(answers, within=30, every=0.1, message="the country API to answer")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_scaffold_load_migrate_and_serve_health(
    config_dir: Path, databases: DatabaseFactory
) -> None:
    code, output = new_country(config_dir, *ZEDLAND)

    assert code == 0, output
    country = load_country(config_dir / "zz.yaml")
    assert (country.code, country.name, country.currency) == ("ZZ", "Zedland", "ZMW")
    assert (country.locale, country.locales, country.timezone) == (
        "en_ZM",
        ["en_ZM"],
        "Africa/Lusaka",
    )
    assert country.meter_clock_utc_offset == "+02:00"
    assert [(site.code, site.name) for site in country.sites] == [
        ("ABC", "Abc Village"),
        ("DEF", "Déf Hills"),
    ]
    assert country.payments.parsers == ["airtel_zm", "mtn_zm"]
    assert country.meters.default_platform == "koios"
    assert not country.features.payment_automation and not country.features.meter_credit
    assert country.tariff.default_rate_per_kwh is None
    existing_ports = [c.api.port for c in load_all_countries(CONFIG_DIR).values()]
    assert country.api.port == max(existing_ports) + 1
    assert set(load_all_countries(config_dir)) == {*load_all_countries(CONFIG_DIR), "zz"}
    assert_country_files_fit_the_module(config_dir)  # Terraform gets a valid module.country["zz"]

    for step in ("terraform", "GRIDCARE_SMS_GATEWAY_KEYS", "GRIDCARE_KOIOS_API_KEY",
                 "GRIDCARE_KOIOS_API_SECRET", "GRIDCARE_DATABASE_URL",
                 "gridcare db upgrade --country zz", "GRIDCARE_COUNTRY_API_URLS=zz="):  # fmt: skip
        assert step in output

    database_url = databases.create("zz", migrate=upgrade)
    with serving_country("zz", config_dir, database_url) as url:
        health = httpx.get(f"{url}/health", timeout=5)
        public = httpx.get(f"{url}/api/config", timeout=5)

    assert health.status_code == 200, health.text
    assert health.json() == {"status": "ok", "country": "ZZ", "database": "ok"}
    assert public.json()["currency"] == "ZMW"
    assert [site["code"] for site in public.json()["sites"]] == ["ABC", "DEF"]


def test_prompts_for_what_the_flags_do_not_give(config_dir: Path) -> None:
    answers = "zq\nQland\nXOF\nfr_BJ\nAfrica/Porto-Novo\nonemeter\n"

    code, output = new_country(config_dir, stdin=answers)

    assert code == 0, output
    country = load_country(config_dir / "zq.yaml")
    assert (country.code, country.currency, country.meter_clock_utc_offset) == (
        "ZQ",
        "XOF",
        "+01:00",
    )
    assert country.sites == [] and country.payments.parsers == []
    assert "GRIDCARE_IOT_KEY" in output and "GRIDCARE_MQTT_URL" in output


def test_refuses_an_existing_code(config_dir: Path) -> None:
    before = (config_dir / "ls.yaml").read_text(encoding="utf-8")

    code, output = new_country(config_dir, *ZEDLAND[2:], "--code", "LS")

    assert code == 2
    assert "ls.yaml already exists: LS is already a country" in output
    assert (config_dir / "ls.yaml").read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--currency", "ABC", "--currency: 'ABC' is not an ISO 4217 currency code"),
        ("--timezone", "Africa/Atlantis", "--timezone: 'Africa/Atlantis' is not an IANA timezone"),
        ("--locale", "zz_QQ", "--locale: 'zz_QQ' is not a locale babel knows"),
        ("--meter-platform", "sparkle", "--meter-platform: no plugin named 'sparkle'"),
        ("--payment-parser", "pigeon", "--payment-parser: no plugin named 'pigeon'"),
        ("--site", "abc=Lower", "--site: site code 'abc' must be three upper-case letters"),
        ("--site", "ABC", "--site: 'ABC' must look like MAK=Ha Makebe"),
        ("--code", "ZZZ", "--code: 'ZZZ' must be two letters"),
        ("--name", " ", "--name: the country needs a name"),
        ("--port", "8101", "--port: 8101 is already used"),
        ("--tariff-per-kwh", "-1", "--tariff-per-kwh: '-1' must be a positive number"),
        ("--max-payment", "1e12", "--max-payment: '1e12' must be above 0 and at most 10000000"),
        ("--max-payment", "lots", "--max-payment: 'lots' is not a number"),
    ],
)
def test_rejects_a_bad_value_naming_the_flag(
    config_dir: Path, flag: str, value: str, message: str
) -> None:
    args = [arg for arg in ZEDLAND if arg not in {"--payment-parser", "airtel_zm", "mtn_zm"}]
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]

    code, output = new_country(config_dir, *args)

    assert code == 2, output
    assert message in output
    assert not (config_dir / "zz.yaml").exists()


def test_the_file_reads_like_the_hand_written_ones(config_dir: Path) -> None:
    new_country(config_dir, *ZEDLAND, "--tariff-per-kwh", "4.50", "--max-payment", "20000")
    text = (config_dir / "zz.yaml").read_text(encoding="utf-8")

    assert text.startswith("# Zedland.")
    assert "locales: [en_ZM]" in text
    assert '  - {code: DEF, name: "Déf Hills"}' in text
    assert yaml.safe_load(text)["tariff"] == {"default_rate_per_kwh": "4.50"}
    assert yaml.safe_load(text)["payments"]["max_amount"] == "20000"
