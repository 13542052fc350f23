"""The demo's secrets: generated once and kept, unless the environment names them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import typer

from federation_gateway.tokens import TokenIssuer
from gridcare.cli.demo import parse_ports
from gridcare.demo.credentials import CREDENTIALS_FILE, load_credentials


@pytest.fixture(autouse=True)
def no_demo_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GRIDCARE_DEMO_ADMIN_PASSWORD", "GRIDCARE_SMS_GATEWAY_KEYS", "GRIDCARE_IOT_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_generated_once_kept_private_and_reused(tmp_path: Path) -> None:
    first = load_credentials(tmp_path)
    second = load_credentials(tmp_path)

    assert first == second
    assert len(first.admin_password) >= 12
    assert first.sms_gateway_key != first.iot_key
    path = tmp_path / CREDENTIALS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["admin_password"] == first.admin_password
    issuer = TokenIssuer.from_jwk_json(first.signing_key_json)
    assert issuer.jwks()["keys"][0]["kid"] == json.loads(first.signing_key_json)["kid"]
    assert "d" not in issuer.jwks()["keys"][0]  # the private part stays private


def test_environment_wins_and_is_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDCARE_DEMO_ADMIN_PASSWORD", "from-the-env")
    monkeypatch.setenv("GRIDCARE_SMS_GATEWAY_KEYS", "key-a,key-b")
    monkeypatch.setenv("GRIDCARE_IOT_KEY", "iot-env")

    credentials = load_credentials(tmp_path)

    assert credentials.admin_password == "from-the-env"
    assert credentials.password_from_env
    assert credentials.sms_gateway_keys == "key-a,key-b"
    assert credentials.sms_gateway_key == "key-a"
    assert credentials.iot_key == "iot-env"
    assert "from-the-env" not in (tmp_path / CREDENTIALS_FILE).read_text()


def test_ports_option() -> None:
    assert parse_ports("gateway=18000, LS=18101") == {"gateway": 18000, "ls": 18101}
    assert parse_ports("") == {}
    with pytest.raises(typer.BadParameter, match="ls=8101"):
        parse_ports("ls=eighty")
