from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from country_api.auth import Reader, Staff, require
from country_api.deps import CountryDep, SessionDep
from country_api.tariffs import service
from country_api.tariffs.models import TariffCreate, TariffPublic, TariffView
from gridcare.core.inputs import IdFilter
from gridcare.core.roles import Permission

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid token"},
    403: {"description": "the role may not do this"},
    404: {"description": "no such site or customer"},
    422: {"description": "invalid input; the error names the field"},
}
router = APIRouter(prefix="/api/tariffs", tags=["tariffs"], responses=ERRORS)
TariffWriter = Annotated[Staff, Depends(require(Permission.TARIFFS_WRITE))]


@router.get("")
def get_tariffs(
    country: CountryDep,
    session: SessionDep,
    staff: Reader,
    site_code: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    customer_id: Annotated[IdFilter | None, Query()] = None,
) -> TariffView:
    return service.tariff_view(
        session=session,
        country=country,
        site_code=site_code,
        customer_id=customer_id,
    )


@router.post("", status_code=201)
def post_tariff(
    country: CountryDep, session: SessionDep, staff: TariffWriter, data: TariffCreate
) -> TariffPublic:
    tariff = service.create_tariff(
        session=session,
        country=country,
        data=data,
        actor=staff.username,
    )
    return service.public(tariff)
