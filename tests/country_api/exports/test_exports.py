"""Streamed .xlsx exports, read back from the sheet XML: types, formats, header, filter, widths."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from xml.etree import ElementTree

import httpx
from sqlalchemy import Engine, text

from tests.country_api.analytics.factories import add_account, consume, ls_engine, pay, utc

__all__ = ["ls_engine"]
Auth = Callable[..., dict[str, str]]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
PAYMENTS = 3_000


def parse(xml: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(xml)  # noqa: S314 (our own server's output)


def cell_formats(book: zipfile.ZipFile) -> list[str]:
    """The number format code of each cell style index."""
    styles = parse(book.read("xl/styles.xml"))
    codes = {
        int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
        for fmt in styles.iterfind("m:numFmts/m:numFmt", NS)
    }
    codes.update({0: "General", 14: "yyyy-mm-dd"})
    return [
        codes.get(int(xf.get("numFmtId", "0")), "?") for xf in styles.iterfind("m:cellXfs/m:xf", NS)
    ]


def rows(book: zipfile.ZipFile, sheet: int = 1) -> list[list[tuple[str, str, int, str]]]:
    """Per row: (column letters, type, style index, text) of each cell."""
    root = parse(book.read(f"xl/worksheets/sheet{sheet}.xml"))
    table = []
    for row in root.iterfind("m:sheetData/m:row", NS):
        cells = []
        for cell in row.iterfind("m:c", NS):
            value = cell.find("m:v", NS)
            inline = cell.find("m:is/m:t", NS)
            content = value.text if value is not None else inline.text if inline is not None else ""
            column = "".join(ch for ch in cell.get("r", "") if ch.isalpha())
            cells.append((column, cell.get("t", "n"), int(cell.get("s", "0")), content or ""))
        table.append(cells)
    return table


async def test_payments_export_has_typed_columns(
    ls_client: httpx.AsyncClient, ls_engine: Engine, auth: Auth
) -> None:
    account = add_account(ls_engine, "0001MAK")
    reversed_one = pay(ls_engine, account, 12_345, utc("2025-03-31 23:30"), fee_minor=345)
    with ls_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO payments (account_id, provider, reference, amount_minor, currency,"
                " electricity_minor, fee_minor, kwh, rate, paid_at, source)"
                " SELECT :account, 'bulk', 'B' || n, 1000 + n, 'LSL', 1000 + n, 0,"
                " (1000 + n) / 500.0, 5, timestamptz '2025-01-01 00:00Z' + n * interval '1 hour',"
                " 'manual' FROM generate_series(1, :count) AS n"
            ),
            {"account": account, "count": PAYMENTS - 1},
        )
        connection.execute(
            text(
                "INSERT INTO payments (account_id, kind, provider, reference, amount_minor,"
                " currency, electricity_minor, fee_minor, kwh, paid_at, source, reverses_id)"
                " VALUES (:account, 'reversal', 'test', 'R1', -12345, 'LSL', -12000, -345, 0,"
                " now(), 'reversal', :id)"
            ),
            {"account": account, "id": reversed_one},
        )
    answer = await ls_client.get("/api/exports/payments.xlsx", headers=auth(role="viewer"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "payments_LS_" in answer.headers["content-disposition"]
    book = zipfile.ZipFile(io.BytesIO(answer.content))
    formats, table = cell_formats(book), rows(book)
    assert len(table) == PAYMENTS + 2  # header, the payments, one reversal
    header = [content for _, _, _, content in table[0]]
    assert header[:6] == ["Payment id", "Account", "Site", "Kind", "Paid (local time)", "Amount"]
    by_id = {
        row[0][3]: {col: (kind, style, content) for col, kind, style, content in row}
        for row in table[1:]
    }
    first = by_id[str(reversed_one)]
    kind, style, content = first["E"]  # paid at 01:30 on 1 April, Maseru time
    assert kind == "n" and formats[style] == "yyyy-mm-dd hh:mm"
    assert EXCEL_EPOCH + dt.timedelta(days=float(content)) == dt.datetime(2025, 4, 1, 1, 30)
    kind, style, content = first["F"]
    assert (kind, float(content), formats[style]) == ("n", 123.45, '"LSL"#,##0.00')
    assert first["H"][2] == "3.45"
    assert first["P"][0] == "b" and first["P"][2] == "1"  # reversed: a boolean TRUE
    assert first["B"][0] in ("inlineStr", "s", "str") and first["B"][2] == "0001MAK"
    assert first["I"][0] == "n" and formats[first["I"][1]] == "#,##0.000"  # kWh
    sheet = parse(book.read("xl/worksheets/sheet1.xml"))
    pane = sheet.find("m:sheetViews/m:sheetView/m:pane", NS)
    assert pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1"
    autofilter = sheet.find("m:autoFilter", NS)
    assert autofilter is not None and autofilter.get("ref") == f"A1:P{PAYMENTS + 2}"
    widths = {
        index: float(col.get("width", "0"))
        for col in sheet.iterfind("m:cols/m:col", NS)
        for index in range(int(col.get("min", "0")), int(col.get("max", "0")) + 1)
    }
    assert sorted(widths) == list(range(1, 17)) and min(widths.values()) > 8
    assert widths[13] > 20  # the reference column is wider


async def test_every_export_downloads(
    ls_client: httpx.AsyncClient, ls_engine: Engine, auth: Auth
) -> None:
    account = add_account(ls_engine, "0001MAK", connected=dt.date(2025, 2, 3))
    with ls_engine.begin() as connection:
        meter = connection.execute(
            text(
                "INSERT INTO meters (meter_id, platform, status) VALUES ('SM1', 'sparkmeter',"
                " 'active') RETURNING id"
            )
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO meter_assignments (meter_pk, account_id, role) VALUES (:m, :a,"
                " 'primary')"
            ),
            {"m": meter, "a": account},
        )
        connection.execute(
            text(
                "INSERT INTO mutations (actor, action, table_name, record_id, new_values)"
                " VALUES ('tester', 'insert', 'customers', '1', '{\"first_name\": \"Test\"}')"
            )
        )
    consume(ls_engine, meter, None, utc("2025-02-02 10:00"), "1")  # before its assignment
    for hour in ("2025-02-03 10:00", "2025-02-03 11:00", "2025-02-04 10:00"):
        consume(ls_engine, meter, account, utc(hour), "0.5")
    expected_rows = {"customers": 1, "payments": 0, "meters": 1, "consumption": 3, "mutations": 1}
    for name, count in expected_rows.items():
        answer = await ls_client.get(f"/api/exports/{name}.xlsx", headers=auth(role="viewer"))
        assert answer.status_code == 200, (name, answer.text)
        book = zipfile.ZipFile(io.BytesIO(answer.content))
        assert len(rows(book)) == count + 1, name
    consumption = zipfile.ZipFile(
        io.BytesIO(
            (
                await ls_client.get(
                    "/api/exports/consumption.xlsx",
                    params={"from": "2025-02-04", "to": "2025-02-04"},
                    headers=auth(),
                )
            ).content
        )
    )
    table, formats = rows(consumption), cell_formats(consumption)
    assert len(table) == 2
    day = table[1][0]
    assert formats[day[2]] == "yyyy-mm-dd"
    assert EXCEL_EPOCH + dt.timedelta(days=float(day[3])) == dt.datetime(2025, 2, 4)
    customers = zipfile.ZipFile(
        io.BytesIO((await ls_client.get("/api/exports/customers.xlsx", headers=auth())).content)
    )
    connected = {col: (style, content) for col, _, style, content in rows(customers)[1]}["I"]
    assert EXCEL_EPOCH + dt.timedelta(days=float(connected[1])) == dt.datetime(2025, 2, 3)


async def test_exports_need_a_reader_and_a_known_name(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    assert (await ls_client.get("/api/exports/payments.xlsx")).status_code == 401
    unknown = await ls_client.get("/api/exports/salaries.xlsx", headers=auth())
    assert unknown.status_code == 422
    backwards = await ls_client.get(
        "/api/exports/payments.xlsx",
        params={"from": "2025-02-02", "to": "2025-02-01"},
        headers=auth(),
    )
    assert backwards.status_code == 422
