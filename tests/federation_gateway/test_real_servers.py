"""The gateway and a country API as real uvicorn servers on free ports, talking real HTTP:
log in at the gateway, the country fetches the gateway's JWKS over HTTP, calls are forwarded."""

from __future__ import annotations

import socket
from collections.abc import Callable

import httpx

from country_api.main import create_app as create_country_app
from country_api.resources import CountryResources
from federation_gateway.employees.models import Employee
from federation_gateway.main import create_app
from gridcare.core.db import make_engine
from gridcare.core.db import make_engine as make_country_engine
from tests.federation_gateway.conftest import PASSWORD, gateway_settings
from tests.support.countries import country_settings
from tests.support.servers import listening_socket, serving


def test_login_and_forwarding_over_real_http(
    gateway_db: str, ls_db: str, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo", roles={"LS": "onm", "ZM": "viewer"})
    gateway_sock, country_sock, closed = listening_socket(), listening_socket(), socket.socket()
    closed.bind(("127.0.0.1", 0))
    gateway_url = f"http://127.0.0.1:{gateway_sock.getsockname()[1]}"
    country_url = f"http://127.0.0.1:{country_sock.getsockname()[1]}"
    zm_url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()

    gateway = create_app(
        gateway_settings(gateway_db, country_api_urls={"ls": country_url, "zm": zm_url}),
        engine=make_engine(gateway_db, pool_size=2),
    )
    country = create_country_app(
        CountryResources.build(
            country_settings("ls", ls_db, jwks_url=f"{gateway_url}/.well-known/jwks.json"),
            engine=make_country_engine(ls_db, pool_size=2),
        )
    )
    with (
        serving(gateway, gateway_sock),
        serving(country, country_sock),
        httpx.Client(base_url=gateway_url, timeout=10) as client,
    ):
        login = client.post(
            "/auth/login", json={"username": "THABO", "password": PASSWORD, "country": "LS"}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        sites = client.get("/api/ls/sites", headers=headers)
        assert sites.status_code == 200
        assert len(sites.json()) == 19

        created = client.post(
            "/api/ls/customers",
            json={"first_name": "Neo", "last_name": "Lebona", "site_code": "SHG"},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        found = client.get("/api/ls/customers", params={"q": "lebona"}, headers=headers)
        assert found.json()["total"] == 1
        assert found.json()["items"][0]["account_numbers"] == [created.json()["account_number"]]

        forged = client.get("/api/ls/sites", headers={"Authorization": "Bearer x.y.z"})
        assert forged.status_code == 401

        zm_token = client.post("/auth/switch", json={"country": "zm"}, headers=headers).json()[
            "access_token"
        ]
        down = client.get("/api/zm/sites", headers={"Authorization": f"Bearer {zm_token}"})
        assert down.status_code == 502
        assert "Zambia" in down.json()["error"]["message"]
