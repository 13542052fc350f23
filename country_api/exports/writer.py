"""Streaming .xlsx writer: rows go from a server-side cursor to xlsxwriter's constant-memory
mode (which keeps one row in memory and spills the rest to temporary files), so an export of
millions of rows needs only a batch of rows in memory at a time.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from country_api.exports.formats import DATE_FORMAT, DATETIME_FORMAT, KWH_FORMAT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_ROWS = 1_048_576
"""Excel's rows per sheet; longer exports continue on `name (2)`, `name (3)`…"""


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    MONEY = "money"
    KWH = "kwh"
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind
    width: float = 14


class SheetStream:
    """Writes rows to one or more sheets of `book`, header frozen and filtered on each."""

    def __init__(
        self, book: Workbook, name: str, columns: Sequence[Column], money_format: str
    ) -> None:
        self.book, self.name, self.columns = book, name, columns
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.styles: dict[Kind, Any] = {
            Kind.DATE: book.add_format({"num_format": DATE_FORMAT}),
            Kind.DATETIME: book.add_format({"num_format": DATETIME_FORMAT}),
            Kind.MONEY: book.add_format({"num_format": money_format}),
            Kind.KWH: book.add_format({"num_format": KWH_FORMAT}),
        }
        self.sheets = 0
        self.rows_written = 0
        self.sheet = self._new_sheet()
        self.row = 1

    def _new_sheet(self) -> Worksheet:
        self.sheets += 1
        title = self.name if self.sheets == 1 else f"{self.name} ({self.sheets})"
        sheet = self.book.add_worksheet(title[:31])
        for index, column in enumerate(self.columns):
            sheet.set_column(index, index, column.width)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, [c.header for c in self.columns], self.header)
        return sheet

    def _finish_sheet(self) -> None:
        self.sheet.autofilter(0, 0, max(self.row - 1, 0), len(self.columns) - 1)

    def write(self, values: Sequence[Any]) -> None:
        if self.row >= MAX_ROWS:
            self._finish_sheet()
            self.sheet, self.row = self._new_sheet(), 1
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            self._cell(index, column.kind, value)
        self.row += 1
        self.rows_written += 1

    def close(self) -> None:
        self._finish_sheet()

    def _cell(self, index: int, kind: Kind, value: Any) -> None:
        if value is None:
            return
        sheet, row = self.sheet, self.row
        if kind is Kind.TEXT:
            sheet.write_string(row, index, str(value))
        elif kind is Kind.BOOLEAN:
            sheet.write_boolean(row, index, bool(value))
        elif kind in (Kind.DATE, Kind.DATETIME):
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            sheet.write_datetime(row, index, value, self.styles[kind])
        else:
            number = float(value) if isinstance(value, Decimal) else value
            sheet.write_number(row, index, number, self.styles.get(kind))


def write_workbook(
    *,
    name: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    money_format: str,
) -> tuple[Path, int]:
    """Writes `rows` into a new temporary .xlsx; returns its path and the number of rows."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed at once, kept for the response)
        prefix=f"export-{name}-", suffix=".xlsx", delete=False
    )
    handle.close()
    book = xlsxwriter.Workbook(handle.name, {"constant_memory": True, "strings_to_numbers": False})
    path = Path(handle.name)
    try:
        stream = SheetStream(book, name, columns, money_format)
        for values in rows:
            stream.write(values)
        stream.close()
        book.close()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, stream.rows_written
