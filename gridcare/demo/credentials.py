"""The demo's secrets: made once, kept in the data folder, overridden by the environment.

`GRIDCARE_DEMO_ADMIN_PASSWORD`, `GRIDCARE_SMS_GATEWAY_KEYS` and `GRIDCARE_IOT_KEY` win when
set; otherwise a value generated on the first run is stored in `<data dir>/credentials.json`
(readable by its owner only) so logins, SMS gateways and tokens keep working across restarts.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from federation_gateway.tokens import TokenIssuer

CREDENTIALS_FILE = "credentials.json"


@dataclass(frozen=True)
class DemoCredentials:
    admin_password: str
    sms_gateway_keys: str
    """Comma-separated keys an SMS gateway may present (the first is the demo's)."""
    iot_key: str
    signing_key_json: str
    """The gateway's private JWK (JSON)."""
    password_from_env: bool

    @property
    def sms_gateway_key(self) -> str:
        return self.sms_gateway_keys.split(",")[0].strip()


def load_credentials(data_dir: Path) -> DemoCredentials:
    path = data_dir / CREDENTIALS_FILE
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    generated: dict[str, Any] = {
        "admin_password": stored.get("admin_password") or secrets.token_urlsafe(12),
        "sms_gateway_key": stored.get("sms_gateway_key") or "sms-" + secrets.token_hex(16),
        "iot_key": stored.get("iot_key") or "iot-" + secrets.token_hex(16),
        "signing_key": stored.get("signing_key") or _new_signing_key(),
    }
    if generated != stored:
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(generated, indent=2))
    env_password = os.environ.get("GRIDCARE_DEMO_ADMIN_PASSWORD")
    return DemoCredentials(
        admin_password=env_password or generated["admin_password"],
        sms_gateway_keys=os.environ.get("GRIDCARE_SMS_GATEWAY_KEYS")
        or generated["sms_gateway_key"],
        iot_key=os.environ.get("GRIDCARE_IOT_KEY") or generated["iot_key"],
        signing_key_json=json.dumps(generated["signing_key"]),
        password_from_env=bool(env_password),
    )


def _new_signing_key() -> dict[str, Any]:
    return dict(TokenIssuer.generate().key.as_dict(private=True))
