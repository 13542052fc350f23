"""The exports: one query and one column list each. Times are shown in the country's local time;
money in major units (a numeric cell with the country's currency format).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import Session

from country_api.exports.formats import currency_format
from country_api.exports.writer import Column, Kind, write_workbook
from gridcare.core.countries import CountryConfig
from gridcare.core.money import digits

BATCH = 2_000
"""Rows fetched per round trip from the server-side cursor."""


class ExportName(StrEnum):
    CUSTOMERS = "customers"
    PAYMENTS = "payments"
    METERS = "meters"
    CONSUMPTION = "consumption"
    MUTATIONS = "mutations"


@dataclass(frozen=True)
class ExportDefinition:
    columns: tuple[Column, ...]
    query: str
    """Parameters: `:tz` (country timezone), `:scale` (minor units per major), `:first`, `:next`
    (local dates bounding the rows, either may be null)."""


_LOCAL_DAY = "CAST(CAST(:{name} AS date) AS timestamp) AT TIME ZONE :tz"


def _within(select: str, *, column: str, tail: str) -> str:
    """`select` limited to rows whose `column` falls between the local days `:first`/`:next`."""
    first, following = _LOCAL_DAY.format(name="first"), _LOCAL_DAY.format(name="next")
    return (
        f"{select} WHERE (CAST(:first AS date) IS NULL OR {column} >= {first})"
        f" AND (CAST(:next AS date) IS NULL OR {column} < {following}) {tail}"
    )


EXPORTS: dict[ExportName, ExportDefinition] = {
    ExportName.CUSTOMERS: ExportDefinition(
        (
            Column("Customer id", Kind.INTEGER, 12),
            Column("Accounts", Kind.TEXT, 16),
            Column("First name", Kind.TEXT, 18),
            Column("Last name", Kind.TEXT, 18),
            Column("Phone", Kind.TEXT, 16),
            Column("National id", Kind.TEXT, 16),
            Column("Type", Kind.TEXT, 12),
            Column("Site", Kind.TEXT, 8),
            Column("Connected", Kind.DATE, 12),
            Column("Terminated", Kind.DATE, 12),
            Column("Active", Kind.BOOLEAN, 8),
            Column("Created (local time)", Kind.DATETIME, 18),
            Column("Category", Kind.TEXT, 14),
            Column("Gender", Kind.TEXT, 8),
            Column("Village", Kind.TEXT, 16),
            Column("Plot", Kind.TEXT, 10),
            Column("Second phone", Kind.TEXT, 16),
            Column("Latitude", Kind.NUMBER, 11),
            Column("Longitude", Kind.NUMBER, 11),
        ),
        _within(
            """
        SELECT c.id,
               (SELECT string_agg(a.account_number, ', ' ORDER BY a.account_number)
                FROM accounts a WHERE a.customer_id = c.id),
               c.first_name, c.last_name, c.phone, c.national_id, c.customer_type, c.site_code,
               c.connected_at, c.terminated_at, c.active, c.created_at AT TIME ZONE :tz,
               c.category, c.gender, c.village, c.plot_number, c.second_phone,
               c.latitude, c.longitude
        FROM customers c
        """,
            column="c.created_at",
            tail=" ORDER BY c.id",
        ),
    ),
    ExportName.PAYMENTS: ExportDefinition(
        (
            Column("Payment id", Kind.INTEGER, 12),
            Column("Account", Kind.TEXT, 12),
            Column("Site", Kind.TEXT, 8),
            Column("Kind", Kind.TEXT, 10),
            Column("Paid (local time)", Kind.DATETIME, 18),
            Column("Amount", Kind.MONEY, 14),
            Column("Electricity", Kind.MONEY, 14),
            Column("Fees", Kind.MONEY, 12),
            Column("kWh", Kind.KWH, 12),
            Column("Rate per kWh", Kind.MONEY, 12),
            Column("Currency", Kind.TEXT, 9),
            Column("Provider", Kind.TEXT, 14),
            Column("Reference", Kind.TEXT, 22),
            Column("Source", Kind.TEXT, 10),
            Column("Reverses payment", Kind.INTEGER, 12),
            Column("Reversed", Kind.BOOLEAN, 9),
        ),
        _within(
            """
        SELECT p.id, a.account_number, a.site_code, p.kind, p.paid_at AT TIME ZONE :tz,
               CAST(p.amount_minor AS numeric) / :scale,
               CAST(p.electricity_minor AS numeric) / :scale,
               CAST(p.fee_minor AS numeric) / :scale, p.kwh, p.rate, p.currency, p.provider,
               p.reference, p.source, p.reverses_id,
               EXISTS (SELECT 1 FROM payments r WHERE r.reverses_id = p.id)
        FROM payments p JOIN accounts a ON a.id = p.account_id
        """,
            column="p.paid_at",
            tail=" ORDER BY p.paid_at, p.id",
        ),
    ),
    ExportName.METERS: ExportDefinition(
        (
            Column("Meter", Kind.TEXT, 16),
            Column("Platform", Kind.TEXT, 12),
            Column("Status", Kind.TEXT, 12),
            Column("Account", Kind.TEXT, 12),
            Column("Site", Kind.TEXT, 8),
            Column("Role", Kind.TEXT, 9),
            Column("Installed (local time)", Kind.DATETIME, 18),
            Column("Created (local time)", Kind.DATETIME, 18),
        ),
        _within(
            """
        SELECT m.meter_id, m.platform, m.status, a.account_number, a.site_code, ma.role,
               ma.started_at AT TIME ZONE :tz, m.created_at AT TIME ZONE :tz
        FROM meters m
        LEFT JOIN meter_assignments ma ON ma.meter_pk = m.id AND ma.ended_at IS NULL
        LEFT JOIN accounts a ON a.id = ma.account_id
        """,
            column="m.created_at",
            tail=" ORDER BY m.meter_id",
        ),
    ),
    ExportName.CONSUMPTION: ExportDefinition(
        (
            Column("Day", Kind.DATE, 12),
            Column("Account", Kind.TEXT, 12),
            Column("Site", Kind.TEXT, 8),
            Column("Meter", Kind.TEXT, 16),
            Column("Role", Kind.TEXT, 9),
            Column("kWh", Kind.KWH, 12),
            Column("Hours measured", Kind.INTEGER, 10),
        ),
        _within(
            """
        SELECT CAST(h.hour AT TIME ZONE :tz AS date) AS day, a.account_number, a.site_code,
               m.meter_id, h.role, sum(h.kwh), count(*)
        FROM hourly_consumption h
        JOIN meters m ON m.id = h.meter_pk
        LEFT JOIN accounts a ON a.id = h.account_id
        """,
            column="h.hour",
            tail="""
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 4""",
        ),
    ),
    ExportName.MUTATIONS: ExportDefinition(
        (
            Column("Mutation id", Kind.INTEGER, 12),
            Column("At (local time)", Kind.DATETIME, 18),
            Column("Actor", Kind.TEXT, 16),
            Column("Action", Kind.TEXT, 9),
            Column("Table", Kind.TEXT, 18),
            Column("Record", Kind.TEXT, 12),
            Column("Old values", Kind.TEXT, 40),
            Column("New values", Kind.TEXT, 40),
            Column("Reverted by", Kind.INTEGER, 12),
            Column("Reverts", Kind.INTEGER, 12),
        ),
        _within(
            """
        SELECT id, at AT TIME ZONE :tz, actor, action, table_name, record_id,
               CAST(old_values AS text), CAST(new_values AS text), reverted_by, reverts
        FROM mutations
        """,
            column="at",
            tail=" ORDER BY id",
        ),
    ),
}


def stream_rows(
    connection: Connection, query: str, params: dict[str, Any]
) -> Iterator[Sequence[Any]]:
    """Rows from a server-side (named) cursor, `BATCH` at a time."""
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
        text(query), params
    )
    for batch in result.partitions():
        yield from batch


def export_workbook(
    *,
    session: Session,
    country: CountryConfig,
    name: ExportName,
    first: dt.date | None = None,
    next_day: dt.date | None = None,
) -> tuple[Path, int]:
    """Writes the export to a temporary .xlsx; the caller removes the file when sent."""
    definition = EXPORTS[name]
    params = {
        "tz": country.timezone,
        "scale": 10 ** digits(country.currency),
        "first": first,
        "next": next_day,
    }
    connection = session.connection()
    return write_workbook(
        name=name.value,
        columns=definition.columns,
        rows=stream_rows(connection, definition.query, params),
        money_format=currency_format(country.currency, country.locale),
    )


def export_filename(country: CountryConfig, name: ExportName, today: dt.date) -> str:
    return f"{name.value}_{country.code}_{today:%Y-%m-%d}.xlsx"
