"""`/api/employees`: employee administration for superadmins."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from federation_gateway.employees.models import Employee
from tests.federation_gateway.conftest import PASSWORD, bearer


async def _token(client: httpx.AsyncClient, username: str, country: str = "ls") -> dict[str, str]:
    answer = await client.post(
        "/auth/login", json={"username": username, "password": PASSWORD, "country": country}
    )
    assert answer.status_code == 200, answer.text
    return bearer(answer.json()["access_token"])


async def test_a_superadmin_creates_lists_grants_and_deactivates(
    gateway_client: httpx.AsyncClient, add_employee: Callable[..., Employee]
) -> None:
    add_employee("admin", roles={"LS": "superadmin"})
    admin = await _token(gateway_client, "admin")

    created = await gateway_client.post(
        "/api/employees",
        json={"username": "Lerato", "password": PASSWORD, "roles": {"bn": "viewer"}},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert (created.json()["username"], created.json()["roles"]) == ("lerato", {"BN": "viewer"})
    assert "password_hash" not in created.json()
    again = await gateway_client.post(
        "/api/employees", json={"username": "LERATO", "password": PASSWORD}, headers=admin
    )
    assert again.status_code == 409

    granted = await gateway_client.put(
        "/api/employees/lerato/roles/LS", json={"role": "customer_care"}, headers=admin
    )
    assert granted.json()["roles"] == {"BN": "viewer", "LS": "customer_care"}
    withdrawn = await gateway_client.put(
        "/api/employees/lerato/roles/bn", json={"role": None}, headers=admin
    )
    assert withdrawn.json()["roles"] == {"LS": "customer_care"}
    bad = await gateway_client.put(
        "/api/employees/lerato/roles/ls", json={"role": "king"}, headers=admin
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "role"

    listed = await gateway_client.get("/api/employees", headers=admin)
    assert [e["username"] for e in listed.json()] == ["admin", "lerato"]

    lerato = await _token(gateway_client, "lerato")
    assert (await gateway_client.get("/auth/me", headers=lerato)).status_code == 200
    gone = await gateway_client.post("/api/employees/lerato/deactivate", headers=admin)
    assert gone.json()["active"] is False
    assert (await gateway_client.get("/auth/me", headers=lerato)).status_code == 401
    self_off = await gateway_client.post("/api/employees/ADMIN/deactivate", headers=admin)
    assert self_off.status_code == 409


async def test_other_roles_and_anonymous_callers_are_refused(
    gateway_client: httpx.AsyncClient, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo", roles={"LS": "finance", "BN": "superadmin"})
    finance = await _token(gateway_client, "thabo", "ls")
    assert (await gateway_client.get("/api/employees")).status_code == 401
    refused = await gateway_client.get("/api/employees", headers=finance)
    assert refused.status_code == 403
    assert "finance" in refused.json()["error"]["message"]
    missing = await gateway_client.put(
        "/api/employees/nobody/roles/LS", json={"role": "viewer"}, headers=finance
    )
    assert missing.status_code == 403
    superadmin = await _token(gateway_client, "thabo", "bn")
    assert (await gateway_client.get("/api/employees", headers=superadmin)).status_code == 200
    missing = await gateway_client.put(
        "/api/employees/nobody/roles/LS", json={"role": "viewer"}, headers=superadmin
    )
    assert missing.status_code == 404
