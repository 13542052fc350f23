"""Rows come from a server-side cursor in batches and long exports continue on more sheets."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import Engine, text

from country_api.exports import writer
from country_api.exports.service import BATCH, stream_rows
from country_api.exports.writer import Column, Kind, write_workbook
from tests.country_api.analytics.factories import ls_engine

__all__ = ["ls_engine"]


def test_rows_come_from_a_server_side_cursor(ls_engine: Engine) -> None:
    with ls_engine.connect() as connection:
        rows = stream_rows(
            connection, "SELECT n FROM generate_series(1, :count) AS n", {"count": BATCH * 3}
        )
        first = next(iter(rows))
        cursors = connection.execute(text("SELECT count(*) FROM pg_cursors")).scalar_one()
        rest = list(rows)
    assert first == (1,)
    assert cursors == 1
    assert len(rest) == BATCH * 3 - 1


def test_long_exports_continue_on_new_sheets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "MAX_ROWS", 1_000)
    path, count = write_workbook(
        name="payments",
        columns=[Column("Id", Kind.INTEGER), Column("Amount", Kind.MONEY)],
        rows=((n, n / 100) for n in range(2_500)),
        money_format='"LSL"#,##0.00',
    )
    try:
        book = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    finally:
        path.unlink()
    names = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
    assert count == 2_500
    assert names == ["payments", "payments (2)", "payments (3)"]
    last = book.read("xl/worksheets/sheet3.xml").decode()
    assert last.count("<row ") == 1 + 2_500 - 2 * 999
