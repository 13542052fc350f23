from typing import Any

import httpx

from tests.country_api.customers.factories import Auth, post_customer, post_meter


async def mutations(client: httpx.AsyncClient, auth: Auth, **params: Any) -> list[dict[str, Any]]:
    answer = await client.get("/api/mutations", params=params, headers=auth(role="viewer"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] >= len(body["items"])
    items: list[dict[str, Any]] = body["items"]
    return items


async def revert(client: httpx.AsyncClient, auth: Auth, mutation_id: int) -> httpx.Response:
    return await client.post(f"/api/mutations/{mutation_id}/revert", headers=auth())


async def test_registration_and_update_are_audited_with_actor_and_values(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await post_customer(ls_client, auth)
    await ls_client.patch(
        "/api/customers/0001MAK",
        json={"first_name": "Lineo", "connected_at": "2024-03-01"},
        headers=auth(username="mpho"),
    )
    rows = await mutations(ls_client, auth, table="customers", record_id=str(created["id"]))
    update, insert = rows
    assert insert["action"] == "insert"
    assert insert["actor"] == "tester"
    assert insert["old_values"] is None
    assert insert["new_values"]["phone"] == "26658123456"
    assert insert["new_values"]["active"] is True
    assert update["actor"] == "mpho"
    assert update["old_values"] == {"first_name": "Palesa", "connected_at": None}
    assert update["new_values"] == {"first_name": "Lineo", "connected_at": "2024-03-01"}
    [account] = await mutations(ls_client, auth, table="accounts")
    assert account["new_values"]["account_number"] == "0001MAK"
    assert len(await mutations(ls_client, auth)) == 3


async def test_an_update_reverts_once(ls_client: httpx.AsyncClient, auth: Auth) -> None:
    await post_customer(ls_client, auth)
    await ls_client.patch("/api/customers/0001MAK", json={"phone": "6000 0000"}, headers=auth())
    [update] = [m for m in await mutations(ls_client, auth) if m["action"] == "update"]
    answer = await revert(ls_client, auth, update["id"])
    assert answer.status_code == 200, answer.text
    undo = answer.json()
    assert undo["reverts"] == update["id"]
    assert undo["new_values"] == {"phone": "26658123456"}
    customer = (await ls_client.get("/api/customers/0001MAK", headers=auth())).json()
    assert customer["phone"] == "26658123456"
    [original] = [m for m in await mutations(ls_client, auth) if m["id"] == update["id"]]
    assert original["reverted_by"] == undo["id"]
    again = await revert(ls_client, auth, update["id"])
    assert again.status_code == 409
    assert "already reverted" in again.json()["error"]["message"]


async def test_a_stale_revert_is_refused(ls_client: httpx.AsyncClient, auth: Auth) -> None:
    await post_customer(ls_client, auth)
    await ls_client.patch("/api/customers/0001MAK", json={"last_name": "A"}, headers=auth())
    await ls_client.patch("/api/customers/0001MAK", json={"last_name": "B"}, headers=auth())
    later, earlier = [m for m in await mutations(ls_client, auth) if m["action"] == "update"]
    stale = await revert(ls_client, auth, earlier["id"])
    assert stale.status_code == 409
    assert "last_name" in stale.json()["error"]["message"]
    assert (await revert(ls_client, auth, later["id"])).status_code == 200
    assert (await revert(ls_client, auth, earlier["id"])).status_code == 200
    customer = (await ls_client.get("/api/customers/0001MAK", headers=auth())).json()
    assert customer["last_name"] == "Mokoena"


async def test_reverting_a_registration_deactivates_the_customer(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await post_customer(ls_client, auth)
    [insert] = await mutations(ls_client, auth, table="customers", record_id=str(created["id"]))
    answer = await revert(ls_client, auth, insert["id"])
    assert answer.status_code == 200
    assert answer.json()["new_values"]["active"] is False
    customer = (await ls_client.get("/api/customers/0001MAK", headers=auth())).json()
    assert customer["active"] is False
    assert customer["terminated_at"] is not None
    assert (await revert(ls_client, auth, insert["id"])).status_code == 409
    reactivated = await revert(ls_client, auth, answer.json()["id"])
    assert reactivated.status_code == 200
    customer = (await ls_client.get("/api/customers/0001MAK", headers=auth())).json()
    assert (customer["active"], customer["terminated_at"]) == (True, None)


async def meter_roles(client: httpx.AsyncClient, auth: Auth) -> dict[str, str]:
    answer = await client.get("/api/meters", params={"account_number": "0001MAK"}, headers=auth())
    return {item["meter_id"]: item["role"] for item in answer.json()["items"]}


async def test_reverting_a_promotion_restores_the_previous_roles(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(ls_client, auth)
    await post_meter(ls_client, auth, "SM-1", "0001MAK")
    await post_meter(ls_client, auth, "SM-2", "0001MAK", role="check")
    await ls_client.patch("/api/meters/SM-2/role", json={"role": "primary"}, headers=auth())
    promotion, *_ = await mutations(ls_client, auth, table="meter_assignments")
    assert promotion["record_id"] == "0001MAK"
    assert promotion["old_values"] == {"meters": {"SM-1": "primary", "SM-2": "check"}}
    assert promotion["new_values"] == {"meters": {"SM-1": "check", "SM-2": "primary"}}
    answer = await revert(ls_client, auth, promotion["id"])
    assert answer.status_code == 200, answer.text
    assert await meter_roles(ls_client, auth) == {"SM-1": "primary", "SM-2": "check"}
    assert (await revert(ls_client, auth, promotion["id"])).status_code == 409


async def test_reverting_a_decommission_puts_the_meter_back(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(ls_client, auth)
    await post_meter(ls_client, auth, "SM-1", "0001MAK", role="check")
    await ls_client.post("/api/meters/SM-1/decommission", headers=auth())
    removal, *_ = await mutations(ls_client, auth, table="meter_assignments")
    assert removal["new_values"] == {"meters": {}}
    [status] = [
        m for m in await mutations(ls_client, auth, table="meters") if m["action"] == "update"
    ]
    assert status["new_values"] == {"status": "decommissioned"}
    meter_insert = (await mutations(ls_client, auth, table="meters"))[-1]
    refused = await revert(ls_client, auth, meter_insert["id"])
    assert refused.status_code == 409
    assert (await revert(ls_client, auth, removal["id"])).status_code == 200
    meter = (await ls_client.get("/api/meters/SM-1", headers=auth())).json()
    assert (meter["status"], meter["role"], meter["account_number"]) == (
        "active",
        "check",
        "0001MAK",
    )


async def test_a_stale_assignment_revert_is_refused(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(ls_client, auth)
    await post_meter(ls_client, auth, "SM-1", "0001MAK")
    [registration] = await mutations(ls_client, auth, table="meter_assignments")
    await post_meter(ls_client, auth, "SM-2", "0001MAK", role="check")
    assert (await revert(ls_client, auth, registration["id"])).status_code == 409


async def test_only_a_superadmin_reverts(ls_client: httpx.AsyncClient, auth: Auth) -> None:
    await post_customer(ls_client, auth)
    [_, insert] = await mutations(ls_client, auth)
    for role in ("finance", "onm", "customer_care", "viewer"):
        answer = await ls_client.post(
            f"/api/mutations/{insert['id']}/revert", headers=auth(role=role)
        )
        assert answer.status_code == 403, role
    assert (await revert(ls_client, auth, 999_999)).status_code == 404
    listing = await ls_client.get("/api/mutations", params={"page_size": 500}, headers=auth())
    assert listing.status_code == 422
