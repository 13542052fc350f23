"""`/api/{cc}/{path}`: the gateway in front of real country apps, tokens checked by them."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request, Response

from federation_gateway.employees.models import Employee
from federation_gateway.main import create_app
from federation_gateway.resources import GatewayResources
from gridcare.core.db import make_engine
from gridcare.core.paths import CONFIG_DIR
from tests.federation_gateway.conftest import Federation, HostRouter, bearer, gateway_settings
from tests.support.countries import running


def gateway_resources(app: FastAPI) -> GatewayResources:
    resources: GatewayResources = app.state.resources
    return resources


NEW_CUSTOMER = {"first_name": "Palesa", "last_name": "Mokoena", "site_code": "MAK"}


async def test_an_ls_token_reads_ls_but_is_refused_by_bn(
    federation: Federation, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo", roles={"LS": "finance", "BN": "finance"})
    token = await federation.login("thabo", "ls")

    sites = await federation.client.get("/api/ls/sites", headers=bearer(token))
    assert sites.status_code == 200
    assert len(sites.json()) == 19
    mak = next(site for site in sites.json() if site["code"] == "MAK")
    assert (mak["name"], mak["meter_platform"]) == ("Ha Makebe", "thundercloud")

    other = await federation.client.get("/api/bn/sites", headers=bearer(token))
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "forbidden"
    assert "LS" in other.json()["error"]["message"]

    bn_token = await federation.login("thabo", "BN")
    bn_sites = await federation.client.get("/api/bn/sites", headers=bearer(bn_token))
    assert {site["code"] for site in bn_sites.json()} == {"GBO", "SAM", "KOT"}


async def test_a_viewer_cannot_write_and_customer_care_can(
    federation: Federation, add_employee: Callable[..., Employee]
) -> None:
    add_employee("lerato", roles={"LS": "viewer"})
    add_employee("mpho", roles={"LS": "customer_care"})
    viewer = bearer(await federation.login("lerato", "ls"))
    care = bearer(await federation.login("mpho", "ls"))

    refused = await federation.client.post("/api/ls/customers", json=NEW_CUSTOMER, headers=viewer)
    assert refused.status_code == 403
    assert "viewer" in refused.json()["error"]["message"]

    created = await federation.client.post("/api/ls/customers", json=NEW_CUSTOMER, headers=care)
    assert created.status_code == 201, created.text
    account = created.json()["account_number"]
    assert account.endswith("MAK")

    found = await federation.client.get(
        "/api/ls/customers", params={"q": "palesa", "page_size": 5}, headers=viewer
    )
    assert found.status_code == 200
    assert found.json()["total"] == 1
    detail = await federation.client.get(f"/api/ls/customers/{account}", headers=viewer)
    assert detail.json()["first_name"] == "Palesa"


async def test_without_a_token_the_country_answers_401_through_the_gateway(
    federation: Federation,
) -> None:
    answer = await federation.client.get("/api/ls/sites")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"


async def test_an_unknown_country_is_404_in_the_common_error_shape(
    federation: Federation, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo")
    token = await federation.login("thabo", "ls")
    answer = await federation.client.get("/api/xx/sites", headers=bearer(token))
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert "'xx'" in answer.json()["error"]["message"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield int(server.getsockname()[1])


@pytest.fixture
def impatient_config(tmp_path: Path) -> Path:
    """The real country files, with Benin's API timeout cut to 0.3 s."""
    for source in CONFIG_DIR.glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        if source.stem == "bn":
            assert "timeout_seconds: 5" in text
            text = text.replace("timeout_seconds: 5", "timeout_seconds: 0.3")
        (tmp_path / source.name).write_text(text, encoding="utf-8")
    return tmp_path


async def test_a_country_that_is_down_or_silent_is_502_naming_it(
    gateway_db: str, silent_server: int, impatient_config: Path
) -> None:
    urls = {"zm": f"http://127.0.0.1:{_closed_port()}", "bn": f"http://127.0.0.1:{silent_server}"}
    settings = gateway_settings(gateway_db, country_api_urls=urls, config_dir=impatient_config)
    app = create_app(settings, engine=make_engine(gateway_db, pool_size=1))
    async with running(app, base_url="http://gateway") as client:
        down = await client.get("/api/zm/customers", headers={"Authorization": "Bearer x"})
        silent = await client.get("/api/bn/customers")
        health = await client.get("/health")
    assert down.status_code == 502
    assert down.json()["error"]["code"] == "country_unavailable"
    assert "Zambia (ZM)" in down.json()["error"]["message"]
    assert "cannot be reached" in down.json()["error"]["message"]
    assert silent.status_code == 502
    assert "Benin (BN)" in silent.json()["error"]["message"]
    assert "0.3 s" in silent.json()["error"]["message"]
    assert health.status_code == 200  # a country being down is not the gateway being down


def _echo_app() -> FastAPI:
    """Stands in for a country API and tells what it received."""
    echo = FastAPI()

    @echo.api_route("/api/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def _echo(path: str, request: Request) -> Response:
        response = Response(
            content=(
                f'{{"method": "{request.method}", "path": "{path}",'
                f' "query": "{request.url.query}", "body": "{(await request.body()).decode()}"}}'
            ),
            media_type="application/json",
            status_code=207,
        )
        for name in ("authorization", "host", "x-drop-me", "x-keep-me", "x-forwarded-for"):
            response.headers[f"x-seen-{name}"] = request.headers.get(name, "-")
        response.headers["connection"] = "keep-alive, x-private"
        response.headers["x-private"] = "hop"
        response.raw_headers.append((b"set-cookie", b"a=1"))
        response.raw_headers.append((b"set-cookie", b"b=2"))
        return response

    return echo


async def test_method_path_query_body_and_authorization_pass_hop_by_hop_headers_do_not(
    gateway_db: str,
) -> None:
    router = HostRouter()
    router.add("echo.test", _echo_app())
    settings = gateway_settings(gateway_db, country_api_urls={"zm": "http://echo.test"})
    app = create_app(
        settings, engine=make_engine(gateway_db, pool_size=1), country_transport=router
    )
    async with running(app, base_url="http://gateway") as client:
        answer = await client.request(
            "PATCH",
            "/api/zm/meters/SM-1/role?x=1&x=2&name=a%20b",
            content=b"payload",
            headers={
                "Authorization": "Bearer abc.def.ghi",
                "Connection": "x-drop-me",
                "X-Drop-Me": "secret",
                "X-Keep-Me": "yes",
            },
        )
    assert answer.status_code == 207
    assert answer.json() == {
        "method": "PATCH",
        "path": "meters/SM-1/role",
        "query": "x=1&x=2&name=a%20b",
        "body": "payload",
    }
    assert answer.headers["x-seen-authorization"] == "Bearer abc.def.ghi"
    assert answer.headers["x-seen-host"] == "echo.test"
    assert answer.headers["x-seen-x-drop-me"] == "-"
    assert answer.headers["x-seen-x-keep-me"] == "yes"
    assert answer.headers["x-seen-x-forwarded-for"] != "-"
    assert "x-private" not in answer.headers
    assert answer.headers.get_list("set-cookie") == ["a=1", "b=2"]


async def test_country_slugs_are_accepted_in_any_case(
    federation: Federation, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo", roles={"BN": "viewer"})
    token = await federation.login("thabo", "bn")
    answer = await federation.client.get("/api/BN/sites", headers=bearer(token))
    assert answer.status_code == 200
    assert len(answer.json()) == 3


async def test_many_concurrent_calls_share_one_client(
    federation: Federation, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo", roles={"LS": "viewer", "BN": "viewer"})
    ls = bearer(await federation.login("thabo", "ls"))
    bn = bearer(await federation.login("thabo", "bn"))
    client = gateway_resources(federation.gateway).http
    assert client is not None
    answers = await asyncio.gather(
        *(
            federation.client.get(f"/api/{cc}/sites", headers=headers)
            for cc, headers in [("ls", ls), ("bn", bn)] * 10
        )
    )
    assert [a.status_code for a in answers] == [200] * 20
    assert {len(a.json()) for a in answers} == {19, 3}
    assert gateway_resources(federation.gateway).http is client
