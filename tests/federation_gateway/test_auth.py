"""`/auth/login`, `/auth/me`, `/auth/switch` and the JWKS that verifies the tokens."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlmodel import Session

from federation_gateway.config import Settings
from federation_gateway.employees.models import Employee
from federation_gateway.employees.service import set_active
from federation_gateway.main import create_app
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import make_engine
from tests.federation_gateway.conftest import PASSWORD, bearer, gateway_settings
from tests.support.countries import running


def _login(
    username: str = "thabo", country: str = "ls", password: str = PASSWORD
) -> dict[str, str]:
    return {"username": username, "password": password, "country": country}


@pytest.mark.parametrize("country", ["ls", "LS", "Ls"])
async def test_login_gives_a_bearer_token_for_the_chosen_country_in_any_case(
    gateway_client: httpx.AsyncClient, add_employee: Callable[..., Employee], country: str
) -> None:
    add_employee("thabo", roles={"LS": "finance", "BN": "viewer"})
    answer = await gateway_client.post("/auth/login", json=_login("Thabo", country))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert (body["country"], body["role"]) == ("LS", "finance")
    assert body["expires_in"] == 8 * 3600
    assert body["access_token"].count(".") == 2


async def test_the_token_verifies_against_the_published_jwks(
    gateway_client: httpx.AsyncClient, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo", roles={"BN": "onm"})
    token = (await gateway_client.post("/auth/login", json=_login(country="bn"))).json()[
        "access_token"
    ]
    published = (await gateway_client.get("/.well-known/jwks.json")).json()
    assert all("d" not in key for key in published["keys"])  # no private part
    decoded = jwt.decode(token, KeySet.import_key_set(published), algorithms=["ES256"])
    assert decoded.header["kid"] == published["keys"][0]["kid"]
    assert decoded.claims["sub"] == "thabo"
    assert (decoded.claims["country"], decoded.claims["role"]) == ("BN", "onm")
    assert decoded.claims["exp"] - decoded.claims["iat"] == 8 * 3600


async def test_wrong_password_and_unknown_user_are_the_same_401(
    gateway_client: httpx.AsyncClient, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo")
    wrong = await gateway_client.post("/auth/login", json=_login(password="not the password"))
    unknown = await gateway_client.post("/auth/login", json=_login(username="nobody"))
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "unauthorized"
    assert wrong.headers["www-authenticate"] == "Bearer"


async def test_a_country_without_a_role_is_403_naming_it(
    gateway_client: httpx.AsyncClient, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo", roles={"LS": "finance"})
    answer = await gateway_client.post("/auth/login", json=_login(country="bn"))
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"
    assert "BN" in answer.json()["error"]["message"]


async def test_an_unknown_country_or_missing_field_is_422_naming_the_field(
    gateway_client: httpx.AsyncClient, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo")
    unknown = await gateway_client.post("/auth/login", json=_login(country="xx"))
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"][0]["field"] == "country"
    missing = await gateway_client.post("/auth/login", json={"username": "thabo"})
    assert missing.status_code == 422
    assert {f["field"] for f in missing.json()["error"]["fields"]} == {"password", "country"}


async def test_me_lists_the_countries_to_switch_to_and_switch_needs_no_password(
    gateway_client: httpx.AsyncClient, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo", roles={"LS": "finance", "BN": "viewer"})
    token = (await gateway_client.post("/auth/login", json=_login())).json()["access_token"]

    me = await gateway_client.get("/auth/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json() == {
        "username": "thabo",
        "display_name": "",
        "country": "LS",
        "role": "finance",
        "countries": {"BN": "viewer", "LS": "finance"},
    }

    switched = await gateway_client.post(
        "/auth/switch", json={"country": "bn"}, headers=bearer(token)
    )
    assert switched.status_code == 200
    assert (switched.json()["country"], switched.json()["role"]) == ("BN", "viewer")
    me_bn = await gateway_client.get("/auth/me", headers=bearer(switched.json()["access_token"]))
    assert (me_bn.json()["country"], me_bn.json()["role"]) == ("BN", "viewer")

    refused = await gateway_client.post(
        "/auth/switch", json={"country": "ZM"}, headers=bearer(token)
    )
    assert refused.status_code == 403
    assert "ZM" in refused.json()["error"]["message"]


async def test_me_and_switch_need_a_valid_token_of_an_active_employee(
    gateway_client: httpx.AsyncClient, add_employee: Callable[..., Employee], session: Session
) -> None:
    add_employee("thabo")
    assert (await gateway_client.get("/auth/me")).status_code == 401
    assert (await gateway_client.get("/auth/me", headers=bearer("a.b.c"))).status_code == 401
    forged = TokenIssuer.generate().issue(username="thabo", country="LS", role="superadmin")
    assert (await gateway_client.get("/auth/me", headers=bearer(forged))).status_code == 401

    token = (await gateway_client.post("/auth/login", json=_login())).json()["access_token"]
    set_active(session=session, username="thabo", active=False)
    session.commit()
    switched = await gateway_client.post(
        "/auth/switch", json={"country": "ls"}, headers=bearer(token)
    )
    assert switched.status_code == 401


async def test_health_and_public_country_list(gateway_client: httpx.AsyncClient) -> None:
    health = await gateway_client.get("/health")
    assert (health.status_code, health.json()) == (200, {"status": "ok", "database": "ok"})
    countries = (await gateway_client.get("/api/countries")).json()
    assert [(c["code"], c["currency"], c["locale"]) for c in countries] == [
        ("BN", "XOF", "fr_BJ"),
        ("LS", "LSL", "en_LS"),
        ("ZM", "ZMW", "en_ZM"),
    ]


async def test_health_is_503_when_the_gateway_database_is_unreachable() -> None:
    closed = "postgresql://postgres@127.0.0.1:1/gateway?connect_timeout=2"
    app = create_app(Settings(gateway_database_url=closed), engine=make_engine(closed))
    async with running(app, base_url="http://gateway") as client:
        answer = await client.get("/health")
    assert answer.status_code == 503
    assert answer.json()["status"] == "degraded"
    assert answer.json()["database"].startswith("unreachable")


async def test_the_signing_key_comes_from_the_environment(
    gateway_db: str, monkeypatch: pytest.MonkeyPatch, add_employee: Callable[..., Employee]
) -> None:
    key = TokenIssuer.generate().key
    monkeypatch.setenv("GRIDCARE_GATEWAY_SIGNING_KEY", json.dumps(key.as_dict(private=True)))
    monkeypatch.setenv("GRIDCARE_GATEWAY_DATABASE_URL", gateway_db)
    monkeypatch.setenv("GRIDCARE_TOKEN_TTL_SECONDS", "600")
    add_employee("thabo")
    async with running(create_app(), base_url="http://gateway") as client:
        published = (await client.get("/.well-known/jwks.json")).json()
        login = (await client.post("/auth/login", json=_login())).json()
    assert [k["kid"] for k in published["keys"]] == [key.kid]
    assert login["expires_in"] == 600
    decoded = jwt.decode(login["access_token"], key, algorithms=["ES256"])
    assert decoded.claims["exp"] - decoded.claims["iat"] == 600


async def test_the_openapi_document_lists_the_gateway_routes(gateway_db: str) -> None:
    demo = create_app(gateway_settings(gateway_db, demo=True))
    async with running(demo, base_url="http://gateway") as client:
        paths = (await client.get("/openapi.json")).json()["paths"]
    for path in ("/auth/login", "/auth/me", "/auth/switch", "/.well-known/jwks.json"):
        assert path in paths
    assert "/health" not in paths  # an operations route, like /metrics
    assert set(paths["/api/{cc}/{path}"]) >= {"get", "post", "patch", "delete"}
