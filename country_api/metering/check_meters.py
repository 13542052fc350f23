"""Check-meter validation: a check meter in series with an account's primary should measure
the same energy; per UTC day we show both and the relative error (check - primary) / primary.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import xlsxwriter
from sqlalchemy import text
from sqlmodel import Session

from country_api.metering.models import CheckMeterDay, CheckMeterReport
from country_api.metering.service import kwh_text
from gridcare.core.errors import InvalidInput

MAX_DAYS = 366
ERROR_PLACES = Decimal("0.0001")

_REPORT = text(
    """
    WITH days AS (
        SELECT account_id, meter_pk, role, date_trunc('day', hour, 'UTC') AS day, sum(kwh) AS kwh
        FROM hourly_consumption
        WHERE role IN ('primary', 'check') AND hour >= :start AND hour < :end
          AND account_id IS NOT NULL
        GROUP BY 1, 2, 3, 4
    )
    SELECT (c.day AT TIME ZONE 'UTC')::date AS day, a.account_number,
           pm.meter_id AS primary_meter, cm.meter_id AS check_meter,
           coalesce(p.kwh, 0) AS primary_kwh, c.kwh AS check_kwh
    FROM days c
    JOIN accounts a ON a.id = c.account_id
    JOIN meters cm ON cm.id = c.meter_pk
    LEFT JOIN days p ON p.account_id = c.account_id AND p.day = c.day AND p.role = 'primary'
    LEFT JOIN meters pm ON pm.id = p.meter_pk
    WHERE c.role = 'check' AND (CAST(:site AS text) IS NULL OR a.site_code = :site)
    ORDER BY a.account_number, c.day, cm.meter_id
    """
)


def check_meter_report(
    *, session: Session, start: dt.date, end: dt.date, site: str | None = None
) -> CheckMeterReport:
    """Days in [start, end] (UTC) for every account with a check meter reporting."""
    if end < start:
        raise InvalidInput.for_field("to", "must not be before `from`")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput.for_field("from", f"at most {MAX_DAYS} days per report")
    begin = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    rows = session.execute(
        _REPORT, {"start": begin, "end": finish, "site": site.upper() if site else None}
    ).all()
    items = []
    for row in rows:
        primary, check = Decimal(row.primary_kwh), Decimal(row.check_kwh)
        error = ((check - primary) / primary).quantize(ERROR_PLACES) if primary else None
        items.append(
            CheckMeterDay(
                day=row.day,
                account_number=row.account_number,
                primary_meter=row.primary_meter or "",
                check_meter=row.check_meter,
                primary_kwh=kwh_text(primary),
                check_kwh=kwh_text(check),
                relative_error=None if error is None else str(error),
            )
        )
    return CheckMeterReport(items=items)


def report_xlsx(report: CheckMeterReport, *, title: str) -> bytes:
    """The report as one Excel sheet: numbers as numbers, the error as a percentage."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Check meters")
    bold = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    energy = workbook.add_format({"num_format": "0.0000"})
    percent = workbook.add_format({"num_format": "0.00%"})
    sheet.write(0, 0, title, bold)
    headers = ["Day (UTC)", "Account", "Primary meter", "Check meter"]
    headers += ["Primary kWh", "Check kWh", "Relative error"]
    sheet.write_row(2, 0, headers, bold)
    for index, item in enumerate(report.items, start=3):
        sheet.write_datetime(index, 0, dt.datetime.combine(item.day, dt.time()), date)
        sheet.write_string(index, 1, item.account_number)
        sheet.write_string(index, 2, item.primary_meter)
        sheet.write_string(index, 3, item.check_meter)
        sheet.write_number(index, 4, float(item.primary_kwh), energy)
        sheet.write_number(index, 5, float(item.check_kwh), energy)
        if item.relative_error is None:
            sheet.write_blank(index, 6, None)
        else:
            sheet.write_number(index, 6, float(item.relative_error), percent)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 3, 18)
    sheet.set_column(4, 6, 14)
    sheet.freeze_panes(3, 0)
    workbook.close()
    return buffer.getvalue()
