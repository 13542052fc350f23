"""The gateway's answers over HTTPS: HSTS beside the portal's CSP; its schema behind login."""

from __future__ import annotations

from federation_gateway.main import create_app
from tests.federation_gateway.conftest import gateway_settings
from tests.support.countries import running


async def test_https_answers_carry_hsts(gateway_db: str) -> None:
    app = create_app(gateway_settings(gateway_db))
    async with running(app, base_url="https://gateway") as client:
        answer = await client.get("/api/countries")
        schema = await client.get("/openapi.json")
    assert answer.headers["strict-transport-security"].startswith("max-age=")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert schema.status_code == 401
