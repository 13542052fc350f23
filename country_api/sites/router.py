from __future__ import annotations

from fastapi import APIRouter

from country_api.auth import Reader
from country_api.deps import SessionDep
from country_api.sites import service
from country_api.sites.models import SitePublic

router = APIRouter(prefix="/api/sites", tags=["sites"])


@router.get("", response_model=list[SitePublic])
def list_sites(session: SessionDep, staff: Reader) -> list[SitePublic]:
    return [SitePublic.model_validate(site) for site in service.list_sites(session=session)]
