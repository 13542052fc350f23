"""`/api/om-report/…`: the O&M reports as JSON, each also as `.xlsx`, and the quarterly workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.background import BackgroundTask

from country_api.analytics import population, service
from country_api.analytics.downloads import report_workbook
from country_api.analytics.lifespan import analytics_lifespan
from country_api.analytics.periods import (
    Granularity,
    Period,
    parse_month,
    parse_quarter,
    periods,
)
from country_api.analytics.schemas import (
    ArpuReport,
    ConsumptionReport,
    CustomerReport,
    LoadProfileReport,
    SalesReport,
)
from country_api.analytics.workbook import quarterly_workbook
from country_api.auth import Reader
from country_api.db import SessionDep
from country_api.exports.writer import XLSX
from gridcare.countries import CountryConfig

router = APIRouter(prefix="/api/om-report", tags=["analytics"], lifespan=analytics_lifespan)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid token"},
    403: {"description": "the role may not read"},
    422: {"description": "a period is malformed or the range is too long"},
}
XLSX_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {"content": {XLSX: {}}, "description": "the report as an Excel workbook"},
}
FromMonth = Annotated[str, Query(alias="from", description="First month, `2025-01`", max_length=16)]
ToMonth = Annotated[str, Query(alias="to", description="Last month, `2025-12`", max_length=16)]


def country_of(request: Request) -> CountryConfig:
    country: CountryConfig = request.app.state.settings.country
    return country


Country = Annotated[CountryConfig, Depends(country_of)]


def month_periods(
    first: FromMonth,
    last: ToMonth,
    granularity: Annotated[Granularity, Query(description="`month` or `quarter`")] = (
        Granularity.MONTH
    ),
) -> list[Period]:
    return periods(parse_month(first, field="from"), parse_month(last, field="to"), granularity)


def monthly(first: FromMonth, last: ToMonth) -> list[Period]:
    return month_periods(first, last, Granularity.MONTH)


def quarterly(
    first: Annotated[str, Query(alias="from", description="`2025Q1`", max_length=16)],
    last: Annotated[str, Query(alias="to", description="`2025Q4`", max_length=16)],
) -> list[Period]:
    first_month, last_month = parse_quarter(first, field="from"), parse_quarter(last, field="to")
    return periods(first_month, last_month, Granularity.QUARTER)


def customer_periods(
    first: FromMonth,
    last: ToMonth,
    granularity: Annotated[Granularity, Query(description="`month` or `quarter`")] = (
        Granularity.QUARTER
    ),
) -> list[Period]:
    return month_periods(first, last, granularity)


Periods = Annotated[list[Period], Depends(month_periods)]
Months = Annotated[list[Period], Depends(monthly)]
Quarters = Annotated[list[Period], Depends(quarterly)]
CustomerPeriods = Annotated[list[Period], Depends(customer_periods)]
GroupBy = Annotated[population.GroupBy, Query()]


def _download(path: Path, filename: str) -> FileResponse:
    return FileResponse(
        path,
        media_type=XLSX,
        filename=filename,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


def _as_xlsx(name: str, report: BaseModel, country: CountryConfig) -> FileResponse:
    path = report_workbook(name=name, report=report, country=country)
    return _download(path, f"{name}_{country.code}.xlsx")


@router.get("/arpu", response_model=ArpuReport, responses=ERRORS)
def get_arpu(session: SessionDep, staff: Reader, country: Country, chosen: Quarters) -> ArpuReport:
    """Quarterly ARPU, overall and per site (periods labelled `2025 Q1`): revenue in the
    quarter / distinct accounts that have ever paid up to its end."""
    return service.arpu_report(session=session, country=country, periods=chosen)


@router.get("/arpu.xlsx", response_class=FileResponse, responses=XLSX_ERRORS)
def get_arpu_xlsx(
    session: SessionDep, staff: Reader, country: Country, chosen: Quarters
) -> FileResponse:
    report = service.arpu_report(session=session, country=country, periods=chosen)
    return _as_xlsx("arpu", report, country)


@router.get("/monthly-arpu", response_model=ArpuReport, responses=ERRORS)
def get_monthly_arpu(
    session: SessionDep, staff: Reader, country: Country, chosen: Months
) -> ArpuReport:
    """Monthly ARPU, overall and per site (periods labelled `2025-01`)."""
    return service.arpu_report(session=session, country=country, periods=chosen)


@router.get("/monthly-arpu.xlsx", response_class=FileResponse, responses=XLSX_ERRORS)
def get_monthly_arpu_xlsx(
    session: SessionDep, staff: Reader, country: Country, chosen: Months
) -> FileResponse:
    report = service.arpu_report(session=session, country=country, periods=chosen)
    return _as_xlsx("monthly-arpu", report, country)


@router.get("/revenue", response_model=SalesReport, responses=ERRORS)
def get_revenue(
    session: SessionDep, staff: Reader, country: Country, chosen: Periods
) -> SalesReport:
    """Sales per period, overall and per site: revenue, fees, payments, kWh vended and the
    distinct accounts that have ever paid by the period's end."""
    return service.sales_report(session=session, country=country, periods=chosen)


@router.get("/revenue.xlsx", response_class=FileResponse, responses=XLSX_ERRORS)
def get_revenue_xlsx(
    session: SessionDep, staff: Reader, country: Country, chosen: Periods
) -> FileResponse:
    report = service.sales_report(session=session, country=country, periods=chosen)
    return _as_xlsx("revenue", report, country)


@router.get("/consumption", response_model=ConsumptionReport, responses=ERRORS)
def get_consumption(
    session: SessionDep, staff: Reader, country: Country, chosen: Periods
) -> ConsumptionReport:
    """kWh measured by primary meters per period and site, and the average per customer."""
    return service.consumption_report(session=session, country=country, periods=chosen)


@router.get("/consumption.xlsx", response_class=FileResponse, responses=XLSX_ERRORS)
def get_consumption_xlsx(
    session: SessionDep, staff: Reader, country: Country, chosen: Periods
) -> FileResponse:
    report = service.consumption_report(session=session, country=country, periods=chosen)
    return _as_xlsx("consumption", report, country)


@router.get("/customers", response_model=CustomerReport, responses=ERRORS)
def get_customers(
    session: SessionDep, staff: Reader, country: Country, chosen: CustomerPeriods
) -> CustomerReport:
    """Customers per site and period (quarters unless asked): total, active, new, terminated,
    paying, activation rate and growth."""
    return population.customer_report(session=session, country=country, periods=chosen)


@router.get("/customers.xlsx", response_class=FileResponse, responses=XLSX_ERRORS)
def get_customers_xlsx(
    session: SessionDep, staff: Reader, country: Country, chosen: CustomerPeriods
) -> FileResponse:
    report = population.customer_report(session=session, country=country, periods=chosen)
    return _as_xlsx("customers", report, country)


@router.get("/load-profile", response_model=LoadProfileReport, responses=ERRORS)
def get_load_profile(
    session: SessionDep,
    staff: Reader,
    country: Country,
    chosen: Months,
    group_by: GroupBy = "customer_type",
) -> LoadProfileReport:
    """Daily load curves: average kWh per customer in each local hour of the day."""
    return population.load_profile(
        session=session,
        country=country,
        first=chosen[0].first,
        last=chosen[-1].last,
        group_by=group_by,
    )


@router.get("/load-profile.xlsx", response_class=FileResponse, responses=XLSX_ERRORS)
def get_load_profile_xlsx(
    session: SessionDep,
    staff: Reader,
    country: Country,
    chosen: Months,
    group_by: GroupBy = "customer_type",
) -> FileResponse:
    report = population.load_profile(
        session=session,
        country=country,
        first=chosen[0].first,
        last=chosen[-1].last,
        group_by=group_by,
    )
    return _as_xlsx("load-profile", report, country)


@router.get("/quarterly.xlsx", response_class=FileResponse, responses=XLSX_ERRORS)
def get_quarterly_workbook(
    session: SessionDep,
    staff: Reader,
    country: Country,
    quarter: Annotated[str, Query(description="`2025Q3`", max_length=16)],
) -> FileResponse:
    """The O&M quarterly report: one sheet per section, with charts."""
    first = parse_quarter(quarter, field="quarter")
    built = quarterly_workbook(session=session, country=country, quarter=first)
    return _download(built.path, built.filename)
