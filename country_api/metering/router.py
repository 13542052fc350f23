"""Metering over HTTP: 1Meter readings in, consumption and check-meter reports out."""

from __future__ import annotations

import datetime as dt
import hmac
import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from country_api.auth import Reader
from country_api.config import Settings
from country_api.deps import CountryDep, EngineDep, SessionDep, SettingsDep
from country_api.metering import check_meters, onemeter, service
from country_api.metering.ingest import ingest_readings, log_rejection
from country_api.metering.models import (
    CheckMeterReport,
    ConsumptionAnswer,
    IngestAnswer,
    MeteringSummary,
    OneMeterReading,
    ReadingSource,
)
from gridcare.core.errors import AppError, Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.inputs import Day, Instant, documented_body

router = APIRouter(tags=["metering"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Missing or wrong X-IoT-Key"},
    404: {"description": "Unknown meter (the message names it)"},
    409: {"description": "Meter decommissioned"},
    422: {"description": "Invalid field (named in `fields`)"},
}


def _check_iot_key(settings: Settings, given: str | None) -> None:
    expected = settings.iot_key.get_secret_value() if settings.iot_key else ""
    if not expected:
        raise Forbidden("this country accepts no meter readings: GRIDCARE_IOT_KEY is not set")
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("missing or wrong X-IoT-Key")


@router.post(
    "/api/meters/reading",
    response_model=IngestAnswer,
    responses=ERRORS,
    openapi_extra=documented_body(OneMeterReading),
)
async def post_reading(
    request: Request,
    settings: SettingsDep,
    engine: EngineDep,
    x_iot_key: Annotated[str | None, Header()] = None,
) -> IngestAnswer:
    """A 1Meter reading (body as `api_payloads.json`), time in the meter clock (config)."""
    raw = await request.body()
    return await run_in_threadpool(_store_http_reading, settings, engine, raw, x_iot_key)


def _store_http_reading(
    settings: Settings, engine: Engine, raw: bytes, iot_key: str | None
) -> IngestAnswer:
    """Stores the reading, or the rejection with its reason: either way the answer is sent only
    after its own unit of work committed (a refused reading is kept, not rolled back).

    A sender without the right `X-IoT-Key` is refused before anything is stored: only the
    meters' own rejects are worth keeping (`log_rejection` keeps at most 4 KB of each)."""
    _check_iot_key(settings, iot_key)
    payload: Any
    try:
        payload = json.loads(raw or b"null")
    except ValueError:
        payload = {"unparsed_body": raw.decode("utf-8", errors="replace")}
    try:
        if not isinstance(payload, dict) or "unparsed_body" in payload:
            raise InvalidInput.for_field("body", "expected a JSON object")
        reading = onemeter.from_http(payload, settings.country.meter_clock)
    except AppError as error:
        meter_id = payload.get("meter_id") if isinstance(payload, dict) else None
        with engine.begin() as connection:
            log_rejection(
                connection,
                source=ReadingSource.ONEMETER_HTTP.value,
                meter_id=str(meter_id)[:64] if meter_id is not None else None,
                status_code=error.status_code,
                reason=error.message,
                payload=payload,
            )
        raise
    with engine.begin() as connection:
        (outcome,) = ingest_readings(connection, [reading], payloads=[payload])
    if outcome.status == "rejected":
        kind = {404: NotFound, 409: Conflict}.get(outcome.status_code, InvalidInput)
        raise kind(outcome.reason)
    assert outcome.time is not None
    return IngestAnswer(
        status="ok" if outcome.status == "stored" else "duplicate",
        meter_id=outcome.meter_id,
        account=outcome.account_number,
        time=outcome.time,
    )


@router.get(
    "/api/accounts/{account_number}/consumption",
    response_model=ConsumptionAnswer,
    responses={404: {"description": "Unknown account"}, 422: ERRORS[422]},
)
def get_consumption(
    country: CountryDep,
    account_number: str,
    session: SessionDep,
    staff: Reader,
    granularity: service.Granularity = "hour",
    start: Annotated[Instant | None, Query(alias="from")] = None,
    end: Annotated[Instant | None, Query(alias="to")] = None,
) -> ConsumptionAnswer:
    """kWh per hour, or per day/month of the country's calendar, in [from, to), primary meters
    only; each period is named by its start instant in UTC."""
    return service.consumption(
        session=session,
        account_number=account_number,
        granularity=granularity,
        start=start,
        end=end,
        timezone=country.timezone,
    )


@router.get(
    "/api/accounts/{account_number}/metering",
    response_model=MeteringSummary,
    responses={404: {"description": "Unknown account"}},
)
def get_metering_summary(
    account_number: str, country: CountryDep, session: SessionDep, staff: Reader
) -> MeteringSummary:
    """Last reading, lifetime consumption and (once payments exist) the live balance."""
    return service.summary(
        session=session,
        account_number=account_number,
        country=country,
    )


def _default_days(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    end = end or dt.datetime.now(dt.UTC).date()
    return start or end - dt.timedelta(days=30), end


@router.get(
    "/api/metering/check-meters",
    response_model=CheckMeterReport,
    responses={422: ERRORS[422]},
)
def get_check_meter_report(
    session: SessionDep,
    staff: Reader,
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
    site: str | None = None,
) -> CheckMeterReport:
    """Per UTC day: primary vs check energy and relative error, for [from, to] inclusive."""
    first, last = _default_days(start, end)
    return check_meters.check_meter_report(session=session, start=first, end=last, site=site)


@router.get(
    "/api/metering/check-meters.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}, 422: ERRORS[422]},
)
def get_check_meter_workbook(
    session: SessionDep,
    staff: Reader,
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
    site: str | None = None,
) -> Response:
    """The same report as an Excel workbook."""
    first, last = _default_days(start, end)
    report = check_meters.check_meter_report(session=session, start=first, end=last, site=site)
    title = f"Check-meter validation {first} to {last}" + (f", site {site.upper()}" if site else "")
    return Response(
        check_meters.report_xlsx(report, title=title),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="check-meters-{first}-{last}.xlsx"'},
    )
