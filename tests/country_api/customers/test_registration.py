"""Registration fields, the country's GPS box, per-country extra fields, duplicate warnings."""

from __future__ import annotations

import io
from typing import Any

import httpx
import psycopg
import python_calamine
from alembic import command

from country_api.migrate import MIGRATIONS, upgrade
from gridcare.core.migrations import alembic_config
from tests.country_api.customers.factories import Auth, customer_payload, post_customer
from tests.support.databases import DatabaseFactory


async def test_new_fields_are_stored_and_returned_with_the_account_number(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    body = await post_customer(
        ls_client,
        auth,
        gender="female",
        latitude=-29.512345,
        longitude=28.654321,
        village="Ha Ntsi",
        plot_number="P-12",
        second_phone="6234 5678",
        category="productive_use",
        customer_type=None,
        rooms=3,
        appliances=5,
    )
    assert body["account_number"] == "0001MAK"
    assert (body["gender"], body["village"], body["plot_number"]) == ("female", "Ha Ntsi", "P-12")
    assert (body["latitude"], body["longitude"]) == (-29.512345, 28.654321)
    assert body["second_phone"] == "26662345678"
    assert body["category"] == "productive_use"
    assert body["customer_type"] == "business"  # productive use is billed as a business
    assert (body["rooms"], body["appliances"]) == (3, 5)
    assert body["warnings"] == []
    read = await ls_client.get("/api/customers/0001MAK", headers=auth(role="viewer"))
    assert read.json()["village"] == "Ha Ntsi"


async def test_customer_type_alone_still_works_and_gives_the_category(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    body = await post_customer(ls_client, auth, customer_type="institution")
    assert (body["customer_type"], body["category"]) == ("institution", "institution")
    plain = await post_customer(ls_client, auth, national_id=None, phone="5000 0001")
    assert (plain["customer_type"], plain["category"]) == ("household", "household")


async def test_a_position_outside_the_country_or_half_given_is_refused_naming_the_field(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"latitude": 6.5, "longitude": 2.4}, "latitude"),  # Benin
        ({"latitude": -29.5, "longitude": 31.0}, "longitude"),
        ({"latitude": -29.5}, "longitude"),
        ({"latitude": 123.0, "longitude": 28.0}, "latitude"),
        ({"gender": "unknown"}, "gender"),
        ({"category": "farm"}, "category"),
        ({"second_phone": "12ab"}, "second_phone"),
    ]
    for overrides, field in cases:
        answer = await ls_client.post(
            "/api/customers", json=customer_payload(**overrides), headers=auth()
        )
        assert answer.status_code == 422, (overrides, answer.text)
        assert field in [f["field"] for f in answer.json()["error"]["fields"]], overrides


async def test_extra_fields_follow_the_country_file(
    bn_client: httpx.AsyncClient, auth: Auth
) -> None:
    payload = customer_payload(site_code="GBO", phone="97 12 34 56", rooms=2)
    answer = await bn_client.post("/api/customers", json=payload, headers=auth(country="BN"))
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"][0]["field"] == "rooms"
    config = await bn_client.get("/api/config")
    assert config.json()["registration"]["extra_fields"] == []


async def test_duplicates_by_national_id_or_phone_and_similar_name_at_any_site(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(ls_client, auth, national_id="LS-777", phone="5811 1111")
    check = await ls_client.post(
        "/api/customers/duplicates",
        json={"first_name": "Someone", "last_name": "Else", "national_id": " ls-777 "},
        headers=auth(role="viewer"),
    )
    assert check.status_code == 200
    [match] = check.json()["matches"]
    assert (match["reason"], match["account_number"]) == ("national_id", "0001MAK")

    by_phone = await ls_client.post(
        "/api/customers/duplicates",
        json={"first_name": "Palesa", "last_name": "Mokwena", "phone": "+266 5811 1111"},
        headers=auth(),
    )
    assert [m["reason"] for m in by_phone.json()["matches"]] == ["phone_and_name"]
    other_name = await ls_client.post(
        "/api/customers/duplicates",
        json={"first_name": "Thabo", "last_name": "Letsie", "phone": "58111111"},
        headers=auth(),
    )
    assert other_name.json()["matches"] == []

    second = await post_customer(
        ls_client, auth, site_code="SHG", national_id="LS-777", phone="5822 2222"
    )
    assert second["account_number"] == "0001SHG"  # saved anyway, with the warning
    assert [(w["reason"], w["site_code"]) for w in second["warnings"]] == [("national_id", "MAK")]


def test_existing_rows_migrate_cleanly_and_back(databases: DatabaseFactory) -> None:
    """Rows registered before 0006 keep everything; `category` follows `customer_type`."""
    url = databases.create("ls_0006", migrate=lambda target: upgrade(target, "0005"))
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO sites (code, name, meter_platform) VALUES ('MAT', 'Matsieng', 'koios')"
        )
        connection.execute(
            "INSERT INTO customers (first_name, last_name, phone, site_code, customer_type)"
            " VALUES ('Old', 'Timer', '26658000000', 'MAT', 'business')"
        )
    upgrade(url)
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT first_name, category, gender, latitude, search_text FROM customers"
        ).fetchone()
        site = connection.execute("SELECT name, active, alt_names, edited_at FROM sites").fetchone()
    assert row == ("Old", "business", None, None, "old timer 26658000000   ")
    assert site == ("Matsieng", True, [], None)
    command.downgrade(alembic_config(url, MIGRATIONS), "0005")  # and back
    upgrade(url)


async def test_the_customers_export_carries_the_registration_fields(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(
        ls_client,
        auth,
        category="productive_use",
        village="Ha Ntsi",
        latitude=-29.5,
        longitude=28.25,
    )
    answer = await ls_client.get("/api/exports/customers.xlsx", headers=auth())
    assert answer.status_code == 200
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
    header, row = sheet.get_sheet_by_index(0).to_python()[:2]
    values = dict(zip(header, row, strict=True))
    assert (values["Category"], values["Village"]) == ("productive_use", "Ha Ntsi")
    assert (values["Latitude"], values["Longitude"]) == (-29.5, 28.25)
