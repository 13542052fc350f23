"""Bad input at the gateway's proxy: only a country's `/api/…` is reached, redirects never show
an internal address, bodies are capped and refused unauthenticated before they are read."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from federation_gateway.employees.models import Employee
from federation_gateway.main import create_app
from gridcare.core.db import make_engine
from tests.federation_gateway.conftest import Federation, HostRouter, bearer, gateway_settings
from tests.support.countries import running


async def raw_get(client: httpx.AsyncClient, raw_path: str, token: str) -> httpx.Response:
    """GET with the path exactly as written (httpx would otherwise normalise it)."""
    request = client.build_request("GET", "http://gateway/", headers=bearer(token))
    request.url = request.url.copy_with(raw_path=raw_path.encode())
    return await client.send(request)


@pytest.mark.parametrize(
    "raw_path",
    [
        "/api/ls/..%2F..%2Fopenapi.json",
        "/api/ls/%2e%2e/%2e%2e/openapi.json",
        "/api/ls/%2E%2E%2F%2E%2E%2Fhealth",
        "/api/ls/.%2e/.%2e/metrics",
        "/api/ls/%252e%252e%252f%252e%252e%252fhealth",
        "/api/ls/..%5c..%5chealth",
        "/api/ls%2F..%2F..%2Fhealth/x",
        "/api/ls/sites/%2e",
        "/api/ls/customers%3Fq=Palesa",
        "/api/ls/customers%23fragment",
    ],
)
async def test_encoded_traversal_or_query_never_leaves_the_country_api(
    federation: Federation, add_employee: Callable[..., Employee], raw_path: str
) -> None:
    add_employee("thabo", roles={"LS": "superadmin"})
    token = await federation.login("thabo", "ls")
    await federation.client.post(
        "/api/ls/customers",
        json={"first_name": "Palesa", "site_code": "MAK"},
        headers=bearer(token),
    )
    answer = await raw_get(federation.client, raw_path, token)
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["code"] == "not_found"
    assert "openapi" not in answer.text and "Palesa" not in answer.text


@pytest.mark.parametrize("raw_path", ["/api/ls/sites%00", "/api/ls/%00/x", "/api/ls/sites?q=%00"])
async def test_a_nul_byte_in_a_gateway_path_or_query_is_422(
    federation: Federation, add_employee: Callable[..., Employee], raw_path: str
) -> None:
    add_employee("thabo", roles={"LS": "viewer"})
    token = await federation.login("thabo", "ls")
    answer = await raw_get(federation.client, raw_path, token)
    assert answer.status_code == 422
    assert "NUL" in answer.json()["error"]["message"]


async def test_the_trailing_slash_redirect_points_at_the_gateway_never_the_country(
    federation: Federation, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo", roles={"LS": "viewer"})
    token = await federation.login("thabo", "ls")
    answer = await federation.client.get("/api/ls/sites/?x=1", headers=bearer(token))
    assert answer.status_code == 307
    assert answer.headers["location"] == "/api/ls/sites?x=1"
    assert "ls.test" not in str(answer.headers)


def _redirecting_country() -> FastAPI:
    """A country API that redirects wherever it is asked to."""
    country = FastAPI()

    @country.get("/api/go")
    async def go(to: str) -> Response:
        return RedirectResponse(to, status_code=302)

    @country.post("/api/created")
    async def created(request: Request) -> Response:
        return Response(status_code=201, headers={"Location": "http://zm.test/health"})

    return country


@pytest.fixture
async def redirecting(gateway_db: str) -> AsyncIterator[httpx.AsyncClient]:
    router = HostRouter()
    router.add("zm.test", _redirecting_country())
    settings = gateway_settings(gateway_db, country_api_urls={"zm": "http://zm.test"})
    app = create_app(
        settings, engine=make_engine(gateway_db, pool_size=1), country_transport=router
    )
    async with running(app, base_url="http://gateway") as client:
        yield client


@pytest.mark.parametrize(
    ("to", "status", "location"),
    [
        ("http://zm.test/api/customers?q=a", 302, "/api/zm/customers?q=a"),
        ("/api/customers/0001ABC", 302, "/api/zm/customers/0001ABC"),
        ("sites", 302, "/api/zm/sites"),
        ("http://zm.test/health", 502, None),
        ("http://zm.test/openapi.json", 502, None),
        ("/api/../metrics", 502, None),
        ("http://10.0.3.7:8101/api/customers", 502, None),
        ("https://elsewhere.example/phish", 502, None),
    ],
)
async def test_a_country_redirect_is_rewritten_under_the_gateway_or_refused(
    redirecting: httpx.AsyncClient, to: str, status: int, location: str | None
) -> None:
    answer = await redirecting.get("/api/zm/go", params={"to": to})
    assert answer.status_code == status
    assert answer.headers.get("location") == location
    if status == 502:
        assert answer.json()["error"]["code"] == "country_unavailable"
        assert "redirect outside its /api/" in answer.json()["error"]["message"]


async def test_an_internal_location_on_another_answer_is_dropped(
    redirecting: httpx.AsyncClient,
) -> None:
    answer = await redirecting.post("/api/zm/created", json={}, headers={"X-Gateway-Key": "k"})
    assert answer.status_code == 201
    assert "location" not in answer.headers


async def test_a_body_is_refused_unauthenticated_or_too_large_before_it_is_forwarded(
    redirecting: httpx.AsyncClient,
) -> None:
    unauthenticated = await redirecting.post("/api/zm/created", content=b"x" * 5_000_000)
    assert unauthenticated.status_code == 401
    too_large = await redirecting.post(
        "/api/zm/created", content=b"x" * 5_000_000, headers={"Authorization": "Bearer x"}
    )
    assert too_large.status_code == 413
    assert "1048576 bytes" in too_large.json()["error"]["message"]
    login = await redirecting.post("/auth/login", content=b"{" + b" " * 100_000 + b"}")
    assert login.status_code == 413  # log-in needs no credential, and takes 64 KB at most
