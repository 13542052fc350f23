"""`GET /api/exports/{name}.xlsx`: customers, payments, meters, consumption, mutations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from country_api.auth import Reader
from country_api.deps import CountryDep, SessionDep
from country_api.exports.service import ExportName, export_filename, export_workbook
from country_api.exports.writer import XLSX
from gridcare.core.errors import InvalidInput
from gridcare.core.inputs import Day

router = APIRouter(prefix="/api/exports", tags=["exports"])


@router.get(
    "/{name}.xlsx",
    response_class=FileResponse,
    responses={
        200: {"content": {XLSX: {}}, "description": "the export as an Excel workbook"},
        401: {"description": "no valid token"},
        403: {"description": "the role may not read"},
        422: {"description": "unknown export or bad dates"},
    },
)
def get_export(
    name: ExportName,
    country: CountryDep,
    session: SessionDep,
    staff: Reader,
    first: Annotated[
        Day | None, Query(alias="from", description="First local day included")
    ] = None,
    last: Annotated[Day | None, Query(alias="to", description="Last local day included")] = None,
) -> FileResponse:
    """Typed columns (dates as dates, money as numbers in the currency's format), frozen
    header, filters; rows are streamed from the database into the file."""
    if first is not None and last is not None and last < first:
        raise InvalidInput.for_field("to", "must not be before from")
    next_day = last + dt.timedelta(days=1) if last is not None else None
    path, _ = export_workbook(
        session=session, country=country, name=name, first=first, next_day=next_day
    )
    today = dt.datetime.now(country.zone).date()
    return FileResponse(
        path,
        media_type=XLSX,
        filename=export_filename(country, name, today),
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
