"""The O&M quarterly report: one workbook, a sheet per section, xlsxwriter charts."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlmodel import Session
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from country_api.analytics import population, service
from country_api.analytics.periods import Granularity, add_months, periods, quarter_label
from country_api.exports.formats import KWH_FORMAT, currency_format
from gridcare.core.countries import CountryConfig


@dataclass(frozen=True)
class BuiltWorkbook:
    path: Path
    filename: str


@dataclass
class _Formats:
    header: Any
    money: Any
    kwh: Any
    rate: Any
    title: Any


def workbook_filename(country: CountryConfig, quarter: dt.date) -> str:
    return f"OM_Report_{country.code}_{quarter_label(quarter).replace(' ', '_')}.xlsx"


def quarterly_workbook(
    *, session: Session, country: CountryConfig, quarter: dt.date
) -> BuiltWorkbook:
    months = periods(quarter, add_months(quarter, 2), Granularity.MONTH)
    whole = periods(quarter, quarter, Granularity.QUARTER)
    kwargs: dict[str, Any] = {"session": session, "country": country}
    customers = population.customer_report(periods=whole, **kwargs)
    sales = service.sales_report(periods=months, **kwargs)
    quarter_sales = service.sales_report(periods=whole, **kwargs)
    arpu = service.arpu_report(periods=months, **kwargs)
    quarter_arpu = service.arpu_report(periods=whole, **kwargs)
    consumption = service.consumption_report(periods=whole, **kwargs)
    profile = population.load_profile(
        first=quarter, last=add_months(quarter, 2), group_by="customer_type", **kwargs
    )
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed at once, kept for the response)
        prefix="om-report-", suffix=".xlsx", delete=False
    )
    handle.close()
    book = xlsxwriter.Workbook(handle.name)
    formats = _Formats(
        header=book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        money=book.add_format({"num_format": currency_format(country.currency, country.locale)}),
        kwh=book.add_format({"num_format": KWH_FORMAT}),
        rate=book.add_format({"num_format": "0.0%"}),
        title=book.add_format({"bold": True, "font_size": 14}),
    )
    title = f"O&M report {country.name} {quarter_label(quarter)}"
    summary = _sheet(book, "Summary", title, formats, ["Figure", "Value"])
    total = quarter_sales.series[0]
    rows: list[tuple[str, Any, Any]] = [
        ("Customers connected", customers.series[0].total, None),
        ("Active customers", customers.series[0].active, None),
        ("New customers", customers.series[0].new, None),
        ("Revenue", Decimal(total.revenue), formats.money),
        ("Payments", total.payments, None),
        ("kWh vended", Decimal(total.kwh_vended), formats.kwh),
        ("kWh consumed (primary meters)", Decimal(consumption.series[0].kwh), formats.kwh),
        ("ARPU", Decimal(quarter_arpu.arpu[0].arpu), formats.money),
        ("Paying customers (cumulative)", quarter_arpu.arpu[0].customers, None),
    ]
    for index, (label, value, style) in enumerate(rows, start=3):
        summary.write_string(index, 0, label)
        summary.write_number(index, 1, float(value), style)

    sheet = _sheet(
        book,
        "Customers",
        title,
        formats,
        ["Site", "Total", "Active", "New", "Terminated", "Paying", "Activation rate"],
    )
    for index, (site, customer_entries) in enumerate(customers.per_site.items(), start=3):
        entry = customer_entries[0]
        sheet.write_row(
            index, 0, [site, entry.total, entry.active, entry.new, entry.terminated, entry.paying]
        )
        sheet.write_number(index, 6, float(entry.activation_rate or 0), formats.rate)
    _chart(book, sheet, "column", "Active customers per site", len(customers.per_site), [2])

    sheet = _sheet(
        book,
        "Sales",
        title,
        formats,
        [
            "Site",
            *[f"Revenue {p.label}" for p in months],
            "Revenue quarter",
            "kWh vended quarter",
            "Payments",
        ],
    )
    for index, (site, sales_entries) in enumerate(quarter_sales.per_site.items(), start=3):
        sheet.write_string(index, 0, site)
        for column, month_entry in enumerate(sales.per_site[site], start=1):
            sheet.write_number(index, column, float(month_entry.revenue), formats.money)
        sheet.write_number(index, 4, float(sales_entries[0].revenue), formats.money)
        sheet.write_number(index, 5, float(sales_entries[0].kwh_vended), formats.kwh)
        sheet.write_number(index, 6, sales_entries[0].payments)
    _chart(book, sheet, "column", "Revenue per site and month", len(sales.per_site), [1, 2, 3])

    sheet = _sheet(
        book,
        "ARPU",
        title,
        formats,
        ["Period", "Revenue", "Paying customers (cumulative)", "ARPU"],
    )
    for index, arpu_entry in enumerate([*arpu.arpu, *quarter_arpu.arpu], start=3):
        sheet.write_string(index, 0, arpu_entry.period)
        sheet.write_number(index, 1, float(arpu_entry.revenue), formats.money)
        sheet.write_number(index, 2, arpu_entry.customers)
        sheet.write_number(index, 3, float(arpu_entry.arpu), formats.money)
    _chart(book, sheet, "line", "Monthly ARPU", len(arpu.arpu), [3])

    sheet = _sheet(
        book,
        "Consumption",
        title,
        formats,
        ["Site", "kWh consumed", "Consuming customers", "Average kWh per customer"],
    )
    for index, (site, consumed) in enumerate(consumption.per_site.items(), start=3):
        sheet.write_string(index, 0, site)
        sheet.write_number(index, 1, float(consumed[0].kwh), formats.kwh)
        sheet.write_number(index, 2, consumed[0].customers)
        sheet.write_number(index, 3, float(consumed[0].average_kwh_per_customer), formats.kwh)
    _chart(book, sheet, "column", "kWh consumed per site", len(consumption.per_site), [1])

    curves = list(profile.curves)
    sheet = _sheet(book, "Load profiles", title, formats, ["Hour", *curves])
    for hour in range(24):
        sheet.write_number(hour + 3, 0, hour)
        for column, curve in enumerate(curves, start=1):
            sheet.write_number(
                hour + 3, column, float(profile.curves[curve][hour].kwh), formats.kwh
            )
    _chart(
        book,
        sheet,
        "line",
        "Average kWh per customer by hour (local time)",
        24,
        list(range(1, len(curves) + 1)),
    )
    book.close()
    return BuiltWorkbook(Path(handle.name), workbook_filename(country, quarter))


def _sheet(
    book: Workbook, name: str, title: str, formats: _Formats, headers: list[str]
) -> Worksheet:
    sheet = book.add_worksheet(name)
    sheet.write_string(0, 0, f"{title}: {name}", formats.title)
    sheet.write_row(2, 0, headers, formats.header)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, max(len(headers) - 1, 1), 16)
    sheet.freeze_panes(3, 1)
    return sheet


def _chart(
    book: Workbook, sheet: Worksheet, kind: str, title: str, rows: int, columns: list[int]
) -> None:
    if rows == 0 or not columns:
        return
    chart = book.add_chart({"type": kind})
    assert chart is not None
    name = sheet.get_name()
    for column in columns:
        chart.add_series(
            {
                "name": [name, 2, column],
                "categories": [name, 3, 0, 2 + rows, 0],
                "values": [name, 3, column, 2 + rows, column],
            }
        )
    chart.set_title({"name": title})
    chart.set_size({"width": 720, "height": 360})
    sheet.insert_chart(3, max(columns) + 2, chart)
