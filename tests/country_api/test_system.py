from collections.abc import Callable

import httpx


async def test_health_reports_database_and_country(ls_client: httpx.AsyncClient) -> None:
    answer = await ls_client.get("/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "country": "LS", "database": "ok"}


async def test_config_lists_sites_currency_and_features(bn_client: httpx.AsyncClient) -> None:
    body = (await bn_client.get("/api/config")).json()
    assert body["currency"] == "XOF"
    assert [site["code"] for site in body["sites"]] == ["GBO", "SAM", "KOT"]
    assert body["default_tariff_per_kwh"] == "160"
    assert body["features"] == {"payment_automation": True, "meter_credit": True}


async def test_sites_are_synced_from_the_country_file(
    ls_client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    answer = await ls_client.get("/api/sites", headers=auth(role="viewer"))
    assert answer.status_code == 200
    sites = {site["code"]: site for site in answer.json()}
    assert len(sites) == 19
    mak = sites["MAK"]
    assert (mak["code"], mak["name"], mak["meter_platform"]) == ("MAK", "Ha Makebe", "thundercloud")
    assert sites["MAT"]["name"] == "Matsoaing" and sites["MAT"]["alt_names"] == ["Matsieng"]
    assert sites["SHG"]["meter_platform"] == "koios"


async def test_reading_without_a_token_is_401_in_the_common_error_shape(
    ls_client: httpx.AsyncClient,
) -> None:
    answer = await ls_client.get("/api/sites")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"


async def test_a_token_for_another_country_is_403(
    ls_client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    answer = await ls_client.get("/api/sites", headers=auth(country="BN"))
    assert answer.status_code == 403
    assert "BN" in answer.json()["error"]["message"]
