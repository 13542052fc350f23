"""The built portal served at `/` with a single-page-app fallback, API paths untouched."""

from __future__ import annotations

from pathlib import Path

from federation_gateway.main import create_app
from gridcare.core.db import make_engine
from tests.federation_gateway.conftest import gateway_settings
from tests.support.countries import running


async def test_the_portal_and_its_assets_are_served_and_client_routes_fall_back(
    gateway_db: str, tmp_path: Path
) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<html>portal</html>", encoding="utf-8")
    (tmp_path / "assets" / "app.js").write_text("console.log(1)", encoding="utf-8")
    settings = gateway_settings(gateway_db, frontend_dir=tmp_path)
    app = create_app(settings, engine=make_engine(gateway_db, pool_size=1))
    async with running(app, base_url="http://gateway") as client:
        home = await client.get("/")
        asset = await client.get("/assets/app.js")
        deep_link = await client.get("/customers/0045MAK")
        missing_asset = await client.get("/assets/gone.js")
        health = await client.get("/health")
        unknown_api = await client.get("/auth/nothing")
        countries = await client.get("/api/countries")
    assert (home.status_code, home.text) == (200, "<html>portal</html>")
    assert asset.text == "console.log(1)"
    assert (deep_link.status_code, deep_link.text) == (200, "<html>portal</html>")
    assert missing_asset.status_code == 404
    assert health.json()["status"] == "ok"
    assert unknown_api.status_code == 404
    assert unknown_api.json()["error"]["code"] == "not_found"
    assert countries.status_code == 200


async def test_without_a_build_the_gateway_serves_the_api_only(
    gateway_db: str, tmp_path: Path
) -> None:
    settings = gateway_settings(gateway_db, frontend_dir=tmp_path / "nothing")
    app = create_app(settings, engine=make_engine(gateway_db, pool_size=1))
    async with running(app, base_url="http://gateway") as client:
        home = await client.get("/")
        health = await client.get("/health")
    assert home.status_code == 404
    assert home.json()["error"]["code"] == "not_found"
    assert health.status_code == 200
