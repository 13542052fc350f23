"""The spreadsheets of bulk registration: the columns, reading a `.csv` or `.xlsx` into rows of
text as a person typed them, and the template a field team fills."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import python_calamine
import xlsxwriter

from country_api.sites.models import Site
from gridcare.core.countries import RegistrationConfig
from gridcare.core.errors import AppError, InvalidInput

REQUIRED = ("first_name", "last_name", "phone", "site_code")
OPTIONAL = (
    "national_id",
    "gender",
    "category",
    "customer_type",
    "village",
    "plot_number",
    "second_phone",
    "latitude",
    "longitude",
    "connected_at",
)
EXTRA = ("rooms", "appliances")
MAX_ROWS = 10_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 10 * 1024 * 1024


class TooLarge(AppError):
    status_code = 413
    code = "too_large"


def columns_for(rules: RegistrationConfig) -> list[str]:
    asked = {str(extra) for extra in rules.extra_fields}
    return [*REQUIRED, *OPTIONAL, *(extra for extra in EXTRA if extra in asked)]


def _cell(value: Any) -> str:
    """A spreadsheet cell as the text a person typed (58123456.0 → `58123456`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput.for_field(
            "file",
            f"not UTF-8 text (byte {error.start}): save the sheet as 'CSV UTF-8', or upload .xlsx",
        ) from None


def read_csv(content: bytes) -> list[list[str]]:
    textual = _decode(content)
    if "\x00" in textual:
        raise InvalidInput.for_field("file", "not a text CSV (it holds NUL bytes)")
    first_line = textual.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        return [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(textual), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise InvalidInput.for_field("file", f"not a readable CSV: {error}") from None


def read_xlsx(content: bytes) -> list[list[str]]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            raise InvalidInput.for_field("file", "the workbook has no sheet")
        sheet = workbook.get_sheet_by_index(0)
        return [[_cell(value) for value in row] for row in sheet.to_python(skip_empty_area=False)]
    except AppError:
        raise
    except Exception as error:  # calamine raises its own errors for every kind of broken file
        raise InvalidInput.for_field("file", f"not a readable .xlsx workbook ({error})") from None


def read_table(filename: str, content: bytes) -> list[list[str]]:
    name = filename.lower()
    if len(content) > MAX_BYTES:
        raise TooLarge(
            f"file: larger than {MAX_BYTES // (1024 * 1024)} MB",
            fields=[{"field": "file", "message": "too large"}],
        )
    if not content.strip():
        raise InvalidInput.for_field("file", "the file is empty")
    if name.endswith(".csv"):
        return read_csv(content)
    if name.endswith(".xlsx"):
        return read_xlsx(content)
    raise InvalidInput.for_field("file", f"{filename!r}: upload a .csv or .xlsx file")


def header_name(raw: str) -> str:
    return raw.strip().lower().replace(" ", "_").replace("-", "_")


# Checking ------------------------------------------------------------------------------------


EXAMPLES = {
    "first_name": "Palesa",
    "last_name": "Mokoena",
    "phone": "5812 3456",
    "site_code": "MAK",
    "national_id": "",
    "gender": "female | male | other",
    "category": "household | business | institution | productive_use",
    "customer_type": "household | business | institution (optional: follows category)",
    "village": "",
    "plot_number": "",
    "second_phone": "",
    "latitude": "decimal degrees, e.g. -29.123456",
    "longitude": "decimal degrees, e.g. 28.123456",
    "connected_at": "YYYY-MM-DD",
    "rooms": "whole number",
    "appliances": "whole number",
}


def template_csv(rules: RegistrationConfig) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(columns_for(rules))
    return buffer.getvalue().encode("utf-8")


def template_xlsx(rules: RegistrationConfig, sites: list[Site]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#E8F0E8"})
    textual = workbook.add_format({"num_format": "@"})
    columns = columns_for(rules)
    sheet = workbook.add_worksheet("customers")
    for index, name in enumerate(columns):
        sheet.write_string(0, index, name, bold)
        sheet.set_column(index, index, 18, textual)  # phones and ids stay text
    sheet.freeze_panes(1, 0)
    help_sheet = workbook.add_worksheet("help")
    help_sheet.write_row(0, 0, ["column", "required", "what to write"], bold)
    for index, name in enumerate(columns, start=1):
        help_sheet.write_row(index, 0, [name, "yes" if name in REQUIRED else "", EXAMPLES[name]])
    help_sheet.set_column(0, 0, 16)
    help_sheet.set_column(2, 2, 60)
    sites_sheet = workbook.add_worksheet("sites")
    sites_sheet.write_row(0, 0, ["site_code", "name", "other names", "district"], bold)
    for index, site in enumerate((s for s in sites if s.active), start=1):
        sites_sheet.write_row(
            index, 0, [site.code, site.name, ", ".join(site.alt_names), site.district or ""]
        )
    workbook.close()
    return buffer.getvalue()
