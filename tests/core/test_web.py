"""Security headers on every answer, the API description behind login outside the demo, and a
country API that will not start trusting a default key set."""

from __future__ import annotations

import pytest

from country_api.config import Settings as CountrySettings
from country_api.main import create_app as create_country_app
from country_api.resources import CountryResources
from federation_gateway.tokens import TokenIssuer
from gridcare.core.countries import ConfigError
from tests.support.countries import bearer, country_app, country_env, running


async def test_country_answers_carry_security_headers_and_hide_the_schema(
    ls_db: str, issuer: TokenIssuer
) -> None:
    async with running(country_app("ls", ls_db, issuer)) as client:
        health = await client.get("/health")
        anonymous = await client.get("/openapi.json")
        staff = await client.get("/openapi.json", headers=bearer(issuer, role="viewer"))
        docs = await client.get("/docs")
    assert health.headers["x-content-type-options"] == "nosniff"
    assert health.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in health.headers["content-security-policy"]
    assert health.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in health.headers  # plain HTTP here
    assert anonymous.status_code == 401
    assert staff.status_code == 200 and "/api/customers" in staff.json()["paths"]
    assert docs.status_code == 404


async def test_the_demo_opens_the_docs(ls_db: str, issuer: TokenIssuer) -> None:
    async with running(country_app("ls", ls_db, issuer, demo=True)) as client:
        assert (await client.get("/openapi.json")).status_code == 200
        docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "content-security-policy" not in docs.headers  # Swagger UI loads from a CDN


def test_a_country_api_without_a_jwks_url_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GRIDCARE_JWKS_URL", raising=False)
    monkeypatch.delenv("GRIDCARE_DEMO", raising=False)
    with country_env("ls"):
        settings = CountrySettings(database_url="postgresql://unused/x")
    with pytest.raises(ConfigError, match="GRIDCARE_JWKS_URL is not set"):
        create_country_app(CountryResources.build(settings))
    with country_env("ls"):
        demo = CountrySettings(database_url="postgresql://unused/x", demo=True)
    assert demo.jwks_endpoint == "http://127.0.0.1:8000/.well-known/jwks.json"
