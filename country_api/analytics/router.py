"""`/api/om-report/…`: the O&M reports as JSON, each also as `.xlsx`, and the quarterly workbook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel
from sqlmodel import Session
from starlette.background import BackgroundTask

from country_api.analytics import population, service
from country_api.analytics.downloads import report_workbook
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
from country_api.deps import CountryDep, SessionDep
from country_api.exports.writer import XLSX
from gridcare.core.countries import CountryConfig

router = APIRouter(prefix="/api/om-report", tags=["analytics"])

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


Country = CountryDep


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


Months = Annotated[list[Period], Depends(monthly)]
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


Build = Callable[[Session, CountryConfig, list[Period]], BaseModel]


def add_report(
    name: str, model: type[BaseModel], build: Build, chosen_periods: Any, description: str
) -> None:
    """Serve one report twice: as JSON at `/{name}` and as a workbook at `/{name}.xlsx`."""

    def as_json(
        session: SessionDep,
        staff: Reader,
        country: Country,
        chosen: list[Period] = Depends(chosen_periods),
    ) -> BaseModel:
        return build(session, country, chosen)

    def as_xlsx(
        session: SessionDep,
        staff: Reader,
        country: Country,
        chosen: list[Period] = Depends(chosen_periods),
    ) -> FileResponse:
        return _as_xlsx(name, build(session, country, chosen), country)

    operation = name.replace("-", "_")
    router.add_api_route(
        f"/{name}",
        as_json,
        methods=["GET"],
        response_model=model,
        responses=ERRORS,
        name=f"get_{operation}",
        description=description,
    )
    router.add_api_route(
        f"/{name}.xlsx",
        as_xlsx,
        methods=["GET"],
        response_class=FileResponse,
        responses=XLSX_ERRORS,
        name=f"get_{operation}_xlsx",
        description=f"{description} As an Excel workbook.",
    )


def _arpu(session: Session, country: CountryConfig, chosen: list[Period]) -> BaseModel:
    return service.arpu_report(session=session, country=country, periods=chosen)


def _sales(session: Session, country: CountryConfig, chosen: list[Period]) -> BaseModel:
    return service.sales_report(session=session, country=country, periods=chosen)


def _consumption(session: Session, country: CountryConfig, chosen: list[Period]) -> BaseModel:
    return service.consumption_report(session=session, country=country, periods=chosen)


def _customers(session: Session, country: CountryConfig, chosen: list[Period]) -> BaseModel:
    return population.customer_report(session=session, country=country, periods=chosen)


add_report(
    "arpu",
    ArpuReport,
    _arpu,
    quarterly,
    "Quarterly ARPU, overall and per site (periods labelled `2025 Q1`): revenue in the quarter"
    " / distinct accounts that have ever paid up to its end.",
)
add_report(
    "monthly-arpu",
    ArpuReport,
    _arpu,
    monthly,
    "Monthly ARPU, overall and per site (periods labelled `2025-01`).",
)
add_report(
    "revenue",
    SalesReport,
    _sales,
    month_periods,
    "Sales per period, overall and per site: revenue, fees, payments, kWh vended and the"
    " distinct accounts that have ever paid by the period's end.",
)
add_report(
    "consumption",
    ConsumptionReport,
    _consumption,
    month_periods,
    "kWh measured by primary meters per period and site, and the average per customer.",
)
add_report(
    "customers",
    CustomerReport,
    _customers,
    customer_periods,
    "Customers per site and period (quarters unless asked): total, active, new, terminated,"
    " paying, activation rate and growth.",
)


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
