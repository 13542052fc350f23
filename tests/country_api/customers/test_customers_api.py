import datetime as dt

import httpx

from tests.country_api.customers.factories import Auth, customer_payload, post_customer, post_meter


async def test_registering_a_customer_gives_the_first_account_of_the_site(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    first = await post_customer(ls_client, auth)
    second = await post_customer(ls_client, auth, first_name="Thabo", phone="+266 6234 5678")
    assert first["account_number"] == "0001MAK"
    assert second["account_number"] == "0002MAK"
    assert first["phone"] == "26658123456"
    assert second["phone"] == "26662345678"
    assert first["account_numbers"] == ["0001MAK"]
    assert first["active"] is True
    assert first["site_code"] == "MAK"
    assert first["accounts"][0]["meters"] == []


async def test_site_codes_are_upper_cased_and_unknown_sites_refused_naming_the_field(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await post_customer(ls_client, auth, site_code="shg")
    assert created["account_number"] == "0001SHG"
    answer = await ls_client.post(
        "/api/customers", json=customer_payload(site_code="XYZ"), headers=auth()
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"][0]["field"] == "site_code"


async def test_invalid_input_is_422_naming_the_field(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    for payload, field in [
        (customer_payload(phone="12ab"), "phone"),
        (customer_payload(phone="123"), "phone"),
        (customer_payload(first_name=""), "first_name"),
        (customer_payload(customer_type="alien"), "customer_type"),
        ({"last_name": "X", "site_code": "MAK"}, "first_name"),
    ]:
        answer = await ls_client.post("/api/customers", json=payload, headers=auth())
        assert answer.status_code == 422, payload
        fields = [f["field"] for f in answer.json()["error"]["fields"]]
        assert field in fields, (payload, fields)


async def test_reading_a_customer_by_account_number_shows_accounts_and_meters(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await post_customer(ls_client, auth)
    meter = await post_meter(ls_client, auth, "SM-1", "0001MAK")
    assert meter.status_code == 201, meter.text
    answer = await ls_client.get("/api/customers/0001mak", headers=auth(role="viewer"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == created["id"]
    assert body["account_number"] == "0001MAK"
    [account] = body["accounts"]
    assert [(m["meter_id"], m["role"], m["status"]) for m in account["meters"]] == [
        ("SM-1", "primary", "active")
    ]
    missing = await ls_client.get("/api/customers/9999MAK", headers=auth())
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


async def test_partial_update_changes_only_the_fields_sent(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(ls_client, auth)
    answer = await ls_client.patch(
        "/api/customers/0001MAK", json={"phone": "6999 0000"}, headers=auth(role="onm")
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["phone"] == "26669990000"
    assert body["first_name"] == "Palesa"
    assert body["national_id"] == "LS-0012345"
    for payload, field in [
        ({"first_name": None}, "first_name"),
        ({"phone": "x"}, "phone"),
        ({"site_code": "SHG"}, "site_code"),
    ]:
        refused = await ls_client.patch("/api/customers/0001MAK", json=payload, headers=auth())
        assert refused.status_code == 422, payload
        assert refused.json()["error"]["fields"][0]["field"] == field


async def test_deactivation_sets_inactive_and_termination_date(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(ls_client, auth)
    answer = await ls_client.post("/api/customers/0001MAK/deactivate", headers=auth())
    assert answer.status_code == 200
    assert answer.json()["active"] is False
    assert answer.json()["terminated_at"] == dt.datetime.now(dt.UTC).date().isoformat()
    again = await ls_client.get("/api/customers/0001MAK", headers=auth())
    assert again.json()["active"] is False


async def test_roles_viewer_cannot_write_customer_care_cannot_register_meters(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    refused = await ls_client.post(
        "/api/customers", json=customer_payload(), headers=auth(role="viewer")
    )
    assert refused.status_code == 403
    await post_customer(ls_client, auth)  # as customer_care
    for role in ("viewer", "finance"):
        answer = await ls_client.patch(
            "/api/customers/0001MAK", json={"first_name": "X"}, headers=auth(role=role)
        )
        assert answer.status_code == 403
    meter = await ls_client.post(
        "/api/meters",
        json={
            "meter_id": "SM-9",
            "account_number": "0001MAK",
            "role": "primary",
            "platform": "sparkmeter",
        },
        headers=auth(role="customer_care"),
    )
    assert meter.status_code == 403
    assert (await ls_client.get("/api/customers", headers=auth(role="viewer"))).status_code == 200
    no_token = await ls_client.get("/api/customers")
    assert no_token.status_code == 401
