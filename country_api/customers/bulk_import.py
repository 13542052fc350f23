"""Bulk registration from the spreadsheets field teams fill (`.csv` or `.xlsx`).

A file is read whole, each row checked like a single registration (the same schema and rules),
then either reported (dry run) or imported in the request's transaction: all-or-nothing unless
`partial`, which imports the valid rows. Each row's `import_key` is a hash of who it is (site,
names, phone, national id), stored on the customer: importing the same rows again, even from a
re-saved or extended file, creates nothing twice (they are counted as `skipped`).

Ids come from the tables' identities first; customers, accounts and audit rows are then written
with one COPY each, and account numbers are taken per site in one step, so thousands of rows
import in about a second.
Problems with the file itself (extension, encoding, size, header) are one 4xx naming `file` or
the column; problems with rows are reported row by row (spreadsheet row numbers, header = 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import python_calamine
import xlsxwriter
from pydantic import ValidationError
from sqlalchemy import func, or_, text
from sqlmodel import Session, col, select

from country_api.audit.service import raw_connection, record_inserts
from country_api.customers.duplicates import similar_names
from country_api.customers.models import Customer
from country_api.customers.schemas import (
    CustomerCreate,
    ImportedAccount,
    ImportProblem,
    ImportReport,
)
from country_api.customers.service import format_account_number, registration_values
from country_api.sites.models import Site
from country_api.sites.service import resolve_site
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
GENDERS = {
    "f": "female",
    "female": "female",
    "femme": "female",
    "m": "male",
    "male": "male",
    "homme": "male",
    "h": "male",
    "other": "other",
    "autre": "other",
}
CATEGORIES = {
    "public": "institution",
    "institution/public": "institution",
    "institution_/_public": "institution",
    "productive": "productive_use",
}


class TooLarge(AppError):
    status_code = 413
    code = "too_large"


def columns_for(rules: RegistrationConfig) -> list[str]:
    asked = {str(extra) for extra in rules.extra_fields}
    return [*REQUIRED, *OPTIONAL, *(extra for extra in EXTRA if extra in asked)]


# Reading -------------------------------------------------------------------------------------


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


def _header_name(raw: str) -> str:
    return raw.strip().lower().replace(" ", "_").replace("-", "_")


# Checking ------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    site_code: str
    key: str


@dataclass
class Checked:
    rows: int = 0
    valid: list[Row] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)


def import_key(site_code: str, values: dict[str, Any]) -> str:
    """Who the row is: the same person at the same site gives the same key in any file."""
    parts = [
        site_code,
        str(values["first_name"]).casefold(),
        str(values["last_name"]).casefold(),
        values["phone"] or "",
        (values["national_id"] or "").upper(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _lenient(name: str, raw: str) -> str:
    """Spellings field teams use for the enumerated columns."""
    lowered = raw.strip().lower()
    if name == "gender":
        return GENDERS.get(lowered, lowered)
    if name in ("category", "customer_type"):
        underscored = lowered.replace(" ", "_").replace("-", "_")
        return CATEGORIES.get(underscored, CATEGORIES.get(lowered, underscored))
    return raw


def check_rows(
    table: list[list[str]], *, sites: list[Site], country: str, rules: RegistrationConfig
) -> Checked:
    if not table or not any(cell for cell in table[0]):
        raise InvalidInput.for_field("file", "the first row must be the header")
    header = [_header_name(cell) for cell in table[0]]
    known = set(columns_for(rules))
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InvalidInput(
            f"file: missing column(s) {', '.join(missing)}",
            fields=[{"field": name, "message": "missing column"} for name in missing],
        )
    repeated = [name for name, count in Counter(h for h in header if h).items() if count > 1]
    if repeated:
        raise InvalidInput(
            f"file: column(s) named twice: {', '.join(repeated)}",
            fields=[{"field": name, "message": "column named twice"} for name in repeated],
        )
    checked = Checked()
    for index, name in enumerate(table[0]):
        if header[index] and header[index] not in known:
            checked.warnings.append(
                ImportProblem(row=1, field=name.strip(), message="unknown column, ignored")
            )
    body = [(number, row) for number, row in enumerate(table[1:], start=2) if any(row)]
    if not body:
        raise InvalidInput.for_field("file", "no rows under the header")
    if len(body) > MAX_ROWS:
        raise TooLarge(
            f"file: {len(body)} rows; at most {MAX_ROWS} per file (split it)",
            fields=[{"field": "file", "message": f"more than {MAX_ROWS} rows"}],
        )
    checked.rows = len(body)
    seen_keys: dict[str, int] = {}
    for number, cells in body:
        raw = {
            name: _lenient(name, cells[index]) if index < len(cells) else ""
            for index, name in enumerate(header)
            if name in known
        }
        problems: list[tuple[str, str]] = []
        site = resolve_site(sites, raw.get("site_code", ""))
        if site is None:
            problems.append(("site_code", f"unknown site {raw.get('site_code', '')!r}"))
        elif not site.active:
            problems.append(("site_code", f"site {site.code} is inactive"))
        payload = {name: value for name, value in raw.items() if value != ""}
        payload["site_code"] = site.code if site else "XXX"
        try:
            data = CustomerCreate.model_validate(payload)
        except ValidationError as error:
            for problem in error.errors():
                name = ".".join(str(part) for part in problem["loc"]) or "row"
                problems.append((name, problem["msg"]))
            data = None
        values: dict[str, Any] = {}
        if data is not None:
            values, more = registration_values(data, country=country, rules=rules)
            problems += more
        if problems or site is None:
            checked.errors += [
                ImportProblem(row=number, field=name, message=message) for name, message in problems
            ]
            continue
        key = import_key(site.code, values)
        if key in seen_keys:
            checked.errors.append(
                ImportProblem(
                    row=number, field="row", message=f"the same person as row {seen_keys[key]}"
                )
            )
            continue
        seen_keys[key] = number
        checked.valid.append(Row(number=number, values=values, site_code=site.code, key=key))
    return checked


def _warn_duplicates(session: Session, rows: list[Row], warnings: list[ImportProblem]) -> None:
    """Rows that look like customers already registered (in the portal, or imported with other
    details: a typo in a name) or like another row of the file: warnings only."""
    first_with: dict[str, int] = {}
    for row in rows:
        nid = (row.values["national_id"] or "").upper()
        if nid and nid in first_with:
            warnings.append(
                ImportProblem(
                    row=row.number,
                    field="national_id",
                    message=f"same national id as row {first_with[nid]}",
                )
            )
        elif nid:
            first_with[nid] = row.number
    nids = {str(r.values["national_id"]).upper() for r in rows if r.values["national_id"]}
    phones = {r.values["phone"] for r in rows if r.values["phone"]}
    if not nids and not phones:
        return
    by_nid: dict[str, Customer] = {}
    by_phone: dict[str, list[Customer]] = {}
    statement = select(Customer).where(
        or_(
            func.upper(col(Customer.national_id)).in_(sorted(nids)),
            col(Customer.phone).in_(sorted(phones)),
        ),
    )
    for customer in session.exec(statement):
        if customer.national_id:
            by_nid[customer.national_id.upper()] = customer
        if customer.phone:
            by_phone.setdefault(customer.phone, []).append(customer)
    for row in rows:
        nid = (row.values["national_id"] or "").upper()
        if nid and nid in by_nid:
            other = by_nid[nid]
            warnings.append(
                ImportProblem(
                    row=row.number,
                    field="national_id",
                    message=f"same national id as customer #{other.id} "
                    f"{other.first_name} {other.last_name} ({other.site_code})",
                )
            )
            continue
        for other in by_phone.get(row.values["phone"] or "", []):
            if similar_names(
                row.values["first_name"], row.values["last_name"], other.first_name, other.last_name
            ):
                warnings.append(
                    ImportProblem(
                        row=row.number,
                        field="phone",
                        message=f"same phone and a similar name as customer #{other.id} "
                        f"{other.first_name} {other.last_name} ({other.site_code})",
                    )
                )
                break


# Importing -----------------------------------------------------------------------------------


def _existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    return {
        key
        for key in session.exec(
            select(col(Customer.import_key)).where(col(Customer.import_key).in_(wanted))
        )
        if key is not None
    }


def _take_sequences(session: Session, site_code: str, count: int) -> range:
    """`count` consecutive account sequences of the site (its row stays locked until commit)."""
    last = session.execute(
        text(
            "INSERT INTO site_account_sequences (site_code, last_value) VALUES (:site, :count)"
            " ON CONFLICT (site_code) DO UPDATE"
            " SET last_value = site_account_sequences.last_value + :count RETURNING last_value"
        ),
        {"site": site_code, "count": count},
    ).scalar_one()
    return range(int(last) - count + 1, int(last) + 1)


CUSTOMER_COLUMNS = (
    "id", "first_name", "last_name", "phone", "second_phone", "national_id", "customer_type",
    "category", "gender", "latitude", "longitude", "village", "plot_number", "rooms",
    "appliances", "connected_at", "site_code", "import_key",
)  # fmt: skip


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _new_ids(session: Session, table: str, count: int) -> list[int]:
    """`count` ids from the table's identity, taken before the rows are copied in."""
    return [
        int(value)
        for value in session.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table, "n": count},
        ).scalars()
    ]


def _create(session: Session, actor: str, rows: list[Row]) -> list[ImportedAccount]:
    """Customers, their first accounts and the audit rows, each table written with one COPY."""
    customer_ids = _new_ids(session, "customers", len(rows))
    account_ids = _new_ids(session, "accounts", len(rows))
    numbers: list[tuple[int, str]] = [(0, "")] * len(rows)
    by_site: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_site.setdefault(row.site_code, []).append(index)
    for site_code in sorted(by_site):  # one order everywhere: no deadlock between importers
        indexes = by_site[site_code]
        taken = _take_sequences(session, site_code, len(indexes))
        for index, sequence in zip(indexes, taken, strict=True):
            numbers[index] = (sequence, format_account_number(sequence, site_code))
    connection = raw_connection(session)
    with connection.cursor().copy(
        f"COPY customers ({', '.join(CUSTOMER_COLUMNS)}) FROM STDIN"
    ) as copy:
        for row, customer_id in zip(rows, customer_ids, strict=True):
            values = {
                **row.values,
                "id": customer_id,
                "site_code": row.site_code,
                "import_key": row.key,
            }
            copy.write_row(tuple(_plain(values[column]) for column in CUSTOMER_COLUMNS))
    with connection.cursor().copy(
        "COPY accounts (id, account_number, customer_id, site_code, sequence) FROM STDIN"
    ) as copy:
        for row, customer_id, account_id, (sequence, number) in zip(
            rows, customer_ids, account_ids, numbers, strict=True
        ):
            copy.write_row((account_id, number, customer_id, row.site_code, sequence))
    record_inserts(
        session=session,
        actor=actor,
        table="customers",
        rows=[
            (customer_id, {**row.values, "site_code": row.site_code, "active": True})
            for row, customer_id in zip(rows, customer_ids, strict=True)
        ],
    )
    record_inserts(
        session=session,
        actor=actor,
        table="accounts",
        rows=[
            (
                account_id,
                {"account_number": number, "customer_id": customer_id, "site_code": row.site_code},
            )
            for row, customer_id, account_id, (_, number) in zip(
                rows, customer_ids, account_ids, numbers, strict=True
            )
        ],
    )
    return [
        ImportedAccount(row=row.number, account_number=number)
        for row, (_, number) in zip(rows, numbers, strict=True)
    ]


def import_customers(
    *,
    session: Session,
    actor: str,
    country: str,
    rules: RegistrationConfig,
    filename: str,
    content: bytes,
    dry_run: bool,
    partial: bool,
) -> ImportReport:
    table = read_table(filename, content)
    sites = list(session.exec(select(Site)))
    checked = check_rows(table, sites=sites, country=country, rules=rules)
    if not dry_run:
        # One import at a time: the key check below and the inserts see each other's rows.
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('gridcare.customer_import'))"))
    done = _existing_keys(session, (row.key for row in checked.valid))
    new_rows = [row for row in checked.valid if row.key not in done]
    _warn_duplicates(session, new_rows, checked.warnings)
    blocked = bool(checked.errors) and not partial
    accounts: list[ImportedAccount] = []
    if not dry_run and not blocked and new_rows:
        accounts = _create(session, actor, new_rows)
    return ImportReport(
        rows=checked.rows,
        valid=len(checked.valid),
        created=len(accounts),
        skipped=len(checked.valid) - len(new_rows),
        dry_run=dry_run,
        partial=partial,
        errors=checked.errors,
        warnings=sorted(checked.warnings, key=lambda w: w.row),
        accounts=accounts,
    )


# The template --------------------------------------------------------------------------------

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
