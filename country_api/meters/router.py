from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from country_api.auth import Reader, Staff, require
from country_api.deps import SessionDep
from country_api.meters import service
from country_api.meters.schemas import (
    Decommission,
    MeterCreate,
    MeterPage,
    MeterPublic,
    Replacement,
    RoleChange,
)
from gridcare.core.inputs import Page
from gridcare.core.roles import Permission

router = APIRouter(prefix="/api/meters", tags=["meters"])

Writer = Annotated[Staff, Depends(require(Permission.METERS_WRITE))]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid token"},
    403: {"description": "the role may not do this"},
    404: {"description": "no such meter or account"},
    409: {"description": "conflicts with the account's meters (e.g. a second primary)"},
    422: {"description": "invalid input; the error names the field"},
}


@router.get("", response_model=MeterPage, responses=ERRORS)
def list_meters(
    session: SessionDep,
    staff: Reader,
    account_number: Annotated[str | None, Query(max_length=16)] = None,
    q: Annotated[str | None, Query(max_length=64)] = None,
    site: Annotated[str | None, Query(max_length=3)] = None,
    page: Page = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MeterPage:
    items, total = service.list_meters(
        session=session,
        account_number=account_number,
        page=page,
        page_size=page_size,
        q=q,
        site=site,
    )
    return MeterPage(items=items, total=total)


@router.post("", status_code=201, response_model=MeterPublic, responses=ERRORS)
def register_meter(data: MeterCreate, session: SessionDep, staff: Writer) -> MeterPublic:
    meter = service.register_meter(session=session, actor=staff.username, data=data)
    return service.meter_view(session=session, meter=meter)


@router.get("/{meter_id}", response_model=MeterPublic, responses=ERRORS)
def get_meter(meter_id: str, session: SessionDep, staff: Reader) -> MeterPublic:
    meter = service.get_meter(session=session, meter_id=meter_id)
    return service.meter_view(session=session, meter=meter)


@router.patch("/{meter_id}/role", response_model=MeterPublic, responses=ERRORS)
def change_role(
    meter_id: str, change: RoleChange, session: SessionDep, staff: Writer
) -> MeterPublic:
    meter = service.change_role(
        session=session,
        actor=staff.username,
        meter_id=meter_id,
        role=change.role,
        replacement_meter_id=change.replacement_meter_id,
        replacement_platform=change.replacement_platform,
    )
    return service.meter_view(session=session, meter=meter)


@router.post("/{meter_id}/decommission", response_model=MeterPublic, responses=ERRORS)
def decommission_meter(
    meter_id: str, session: SessionDep, staff: Writer, body: Decommission | None = None
) -> MeterPublic:
    body = body or Decommission()
    meter = service.decommission_meter(
        session=session,
        actor=staff.username,
        meter_id=meter_id,
        replacement_meter_id=body.replacement_meter_id,
        replacement_platform=body.replacement_platform,
    )
    return service.meter_view(session=session, meter=meter)


@router.post("/{meter_id}/replace", response_model=MeterPublic, responses=ERRORS)
def replace_meter(
    meter_id: str, body: Replacement, session: SessionDep, staff: Writer
) -> MeterPublic:
    """The new meter takes the faulty one's role at the same instant; the old one retires."""
    new = service.replace_meter(
        session=session,
        actor=staff.username,
        meter_id=meter_id,
        new_meter_id=body.new_meter_id,
        platform=body.platform,
    )
    return service.meter_view(session=session, meter=new)
