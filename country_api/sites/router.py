from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from country_api.auth import Reader, Staff, require
from country_api.deps import ClockDep, SessionDep
from country_api.plugins.registry import METER_PLATFORMS, plugin_names
from country_api.sites import service
from country_api.sites.models import SitePublic
from gridcare.core.roles import Permission

router = APIRouter(prefix="/api/sites", tags=["sites"])

SiteWriter = Annotated[Staff, Depends(require(Permission.SITES_WRITE))]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")
]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid token"},
    403: {"description": "only a superadmin manages sites"},
    404: {"description": "no such site"},
    409: {"description": "the code is taken"},
    422: {"description": "invalid input; the error names the field"},
}


class SiteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Text
    meter_platform: str = Field(min_length=1, max_length=40)
    district: Text | None = None
    active: bool = True
    alt_names: list[Text] = Field(default=[], max_length=20)


class SiteUpdate(BaseModel):
    """Only the fields sent change; the code never does (it ends every account number)."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = None
    meter_platform: str | None = Field(default=None, min_length=1, max_length=40)
    district: Text | None = None
    active: bool | None = None
    alt_names: list[Text] | None = Field(default=None, max_length=20)


@router.get("", response_model=list[SitePublic], responses=ERRORS)
def list_sites(
    session: SessionDep,
    staff: Reader,
    q: Annotated[str | None, Query(max_length=100)] = None,
    active_only: bool = False,
) -> list[SitePublic]:
    """Every site by code; `q` matches code, name, district and other spellings."""
    sites = service.list_sites(session=session, q=q, include_inactive=not active_only)
    return [SitePublic.model_validate(site) for site in sites]


@router.post("", status_code=201, response_model=SitePublic, responses=ERRORS)
def create_site(
    data: SiteCreate, session: SessionDep, staff: SiteWriter, clock: ClockDep
) -> SitePublic:
    site = service.create_site(
        session=session,
        actor=staff.username,
        values=data.model_dump(),
        platforms=plugin_names(METER_PLATFORMS),
        now=clock(),
    )
    return SitePublic.model_validate(site)


@router.patch("/{code}", response_model=SitePublic, responses=ERRORS)
def update_site(
    code: str, data: SiteUpdate, session: SessionDep, staff: SiteWriter, clock: ClockDep
) -> SitePublic:
    site = service.update_site(
        session=session,
        actor=staff.username,
        code=code,
        changes=data.model_dump(exclude_unset=True),
        platforms=plugin_names(METER_PLATFORMS),
        now=clock(),
    )
    return SitePublic.model_validate(site)
