"""Writing checked import rows: account numbers taken per site in one step, ids from the
tables' identities, then customers, accounts and their audit rows with one COPY each."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from country_api.audit.service import raw_connection, record_inserts
from country_api.customers.schemas import ImportedAccount
from country_api.customers.service import format_account_number


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    site_code: str
    key: str


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


def create_rows(session: Session, actor: str, rows: list[Row]) -> list[ImportedAccount]:
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
