"""Bulk registration from CSV and XLSX: dry run, all-or-nothing, partial, idempotent re-import."""

from __future__ import annotations

import io
from typing import Any

import httpx
import python_calamine
import xlsxwriter

from tests.country_api.customers.factories import Auth

HEADER = (
    "first_name,last_name,phone,site_code,national_id,gender,category,village,latitude,longitude\n"
)
GOOD = (
    HEADER
    + "Palesa,Mokoena,5812 3456,MAK,LS-1,F,household,Ha Ntsi,-29.5,28.6\n"
    + "Thabo,Letsie,6234 5678,Matsieng,,male,Productive use,,,\n"  # the site's other spelling
)
BAD = GOOD + "Lerato,,12ab,XYZ,,,,,6.5,2.4\n\n"


async def upload(
    client: httpx.AsyncClient,
    auth: Auth,
    content: bytes | str,
    *,
    name: str = "customers.csv",
    role: str = "customer_care",
    **params: Any,
) -> httpx.Response:
    data = content.encode() if isinstance(content, str) else content
    return await client.post(
        "/api/customers/import",
        params={"dry_run": "true", **params},
        files={"file": (name, data)},
        headers=auth(role=role),
    )


async def test_dry_run_reports_row_by_row_and_creates_nothing(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    answer = await upload(ls_client, auth, BAD)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["rows"], report["valid"], report["created"]) == (3, 2, 0)
    problems = {(e["row"], e["field"]) for e in report["errors"]}
    assert {(4, "phone"), (4, "site_code"), (4, "latitude"), (4, "longitude")} <= problems
    listed = await ls_client.get("/api/customers", headers=auth())
    assert listed.json()["total"] == 0


async def test_import_is_all_or_nothing_unless_partial_and_never_twice(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    refused = (await upload(ls_client, auth, BAD, dry_run="false")).json()
    assert (refused["created"], refused["valid"]) == (0, 2)
    partial = (await upload(ls_client, auth, BAD, dry_run="false", partial="true")).json()
    assert partial["created"] == 2
    assert [a["account_number"] for a in partial["accounts"]] == ["0001MAK", "0001MAT"]
    again = (await upload(ls_client, auth, GOOD, dry_run="false")).json()
    assert (again["created"], again["skipped"], again["errors"]) == (0, 2, [])
    customer = (await ls_client.get("/api/customers/0001MAT", headers=auth())).json()
    assert (customer["category"], customer["customer_type"]) == ("productive_use", "business")
    first = (await ls_client.get("/api/customers/0001MAK", headers=auth())).json()
    assert (first["gender"], first["village"], first["latitude"]) == ("female", "Ha Ntsi", -29.5)
    after = await ls_client.post(  # ids and account numbers continue after the imported ones
        "/api/customers",
        json={"first_name": "Next", "phone": "5000 0009", "site_code": "MAK"},
        headers=auth(),
    )
    assert after.status_code == 201, after.text
    assert after.json()["account_number"] == "0002MAK" and after.json()["id"] > first["id"]
    audit = await ls_client.get(
        "/api/mutations",
        params={"table": "customers", "record_id": str(first["id"])},
        headers=auth(),
    )
    [row] = audit.json()["items"]
    assert (row["actor"], row["new_values"]["village"]) == ("tester", "Ha Ntsi")


async def test_xlsx_with_numbers_typed_as_numbers(ls_client: httpx.AsyncClient, auth: Auth) -> None:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["First name", "Last name", "Phone", "Site code", "Rooms"])
    sheet.write_row(1, 0, ["Mpho", "Ntsane", 58123456, "shg", 4])
    workbook.close()
    report = (
        await upload(ls_client, auth, buffer.getvalue(), name="Team A.XLSX", dry_run="false")
    ).json()
    assert (report["created"], report["errors"]) == (1, [])
    customer = (await ls_client.get("/api/customers/0001SHG", headers=auth())).json()
    assert (customer["phone"], customer["rooms"]) == ("26658123456", 4)


async def test_duplicates_of_registered_customers_are_warnings(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await ls_client.post(
        "/api/customers",
        json={
            "first_name": "Palesa",
            "last_name": "Mokoena",
            "phone": "5812 3456",
            "site_code": "SHG",
        },
        headers=auth(),
    )
    report = (await upload(ls_client, auth, GOOD)).json()
    assert [(w["row"], w["field"]) for w in report["warnings"]] == [(2, "phone")]
    assert report["valid"] == 2
    await upload(ls_client, auth, GOOD, dry_run="false")
    typo = (
        HEADER
        + "Palesa,Mokwena,5812 3456,MAK,LS-1,F,household,,,\n"
        + ("Lerato,Other,5000 1111,MAK,LS-1,,,,,\n")
    )
    warned = (await upload(ls_client, auth, typo)).json()
    assert [(w["row"], w["field"]) for w in warned["warnings"]] == [
        (2, "national_id"),  # imported before with another spelling
        (3, "national_id"),  # and row 2 has it too
        (3, "national_id"),
    ]


async def test_file_problems_are_4xx_naming_the_file_or_column(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    cases: list[tuple[bytes | str, str, int, str]] = [
        ("", "a.csv", 422, "file"),
        (HEADER, "a.csv", 422, "file"),
        ("name,phone\nX,1\n", "a.csv", 422, "first_name"),
        (GOOD, "a.txt", 422, "file"),
        (
            "first_name,last_name,phone,site_code\nZoé,Ñ,5812 3456,MAK\n".encode("latin-1"),
            "a.csv",
            422,
            "file",
        ),
        (b"PK\x03\x04 not really a workbook", "a.xlsx", 422, "file"),
        (HEADER + "A,B,5812 3456,MAK,,,,,,\n" * 10_001, "a.csv", 413, "file"),
    ]
    for content, name, status, field in cases:
        answer = await upload(ls_client, auth, content, name=name)
        assert answer.status_code == status, (name, answer.text[:200])
        assert field in [f["field"] for f in answer.json()["error"]["fields"]], name
    viewer = await upload(ls_client, auth, GOOD, role="viewer")
    assert viewer.status_code == 403


async def test_the_template_has_the_country_columns(
    ls_client: httpx.AsyncClient, bn_client: httpx.AsyncClient, auth: Auth
) -> None:
    csv_template = await ls_client.get(
        "/api/customers/import/template", params={"format": "csv"}, headers=auth(role="viewer")
    )
    assert csv_template.text.strip().endswith("rooms,appliances")
    assert csv_template.text.startswith("first_name,last_name,phone,site_code")
    xlsx = await bn_client.get("/api/customers/import/template", headers=auth(country="BN"))
    assert xlsx.status_code == 200
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    header = workbook.get_sheet_by_name("customers").to_python()[0]
    assert header[:4] == ["first_name", "last_name", "phone", "site_code"]
    assert "rooms" not in header
    sites = workbook.get_sheet_by_name("sites").to_python()
    assert [row[0] for row in sites[1:]] == ["GBO", "KOT", "SAM"]
