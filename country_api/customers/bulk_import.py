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

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, or_, text
from sqlmodel import Session, col, select

from country_api.customers.bulk_write import Row, create_rows
from country_api.customers.duplicates import similar_names
from country_api.customers.models import Customer
from country_api.customers.schemas import (
    CustomerCreate,
    ImportedAccount,
    ImportProblem,
    ImportReport,
)
from country_api.customers.service import registration_values
from country_api.customers.sheets import (
    MAX_ROWS,
    REQUIRED,
    TooLarge,
    columns_for,
    header_name,
    read_table,
)
from country_api.sites.models import Site
from country_api.sites.service import resolve_site
from gridcare.core.countries import RegistrationConfig
from gridcare.core.errors import InvalidInput

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
    header = [header_name(cell) for cell in table[0]]
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
        # An unknown site is reported above; a stand-in lets the other fields be checked too.
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
        accounts = create_rows(session, actor, new_rows)
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
