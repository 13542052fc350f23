"""Service health and the public description of this country's deployment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from country_api.deps import CountryDep, EngineDep, SessionDep, SettingsDep
from country_api.sites.service import list_sites
from gridcare.core.countries import CountryConfig

router = APIRouter(tags=["system"])


@router.get(
    "/health", include_in_schema=False, responses={503: {"description": "database unreachable"}}
)
def health(settings: SettingsDep, engine: EngineDep) -> JSONResponse:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as error:
        database = f"unreachable: {type(error).__name__}"
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "country": settings.code,
        "database": database,
    }
    return JSONResponse(body, status_code=200 if database == "ok" else 503)


def _sites(session: Session, country: CountryConfig) -> list[dict[str, Any]]:
    """The file's sites in its order, as the database has them now, then sites added in the
    portal by code (each with `active`)."""
    stored = {site.code: site for site in list_sites(session=session)}
    order = [site.code for site in country.sites if site.code in stored]
    order += sorted(set(stored) - set(order))
    return [
        {
            "code": code,
            "name": stored[code].name,
            "meter_platform": stored[code].meter_platform,
            "active": stored[code].active,
        }
        for code in order
    ]


@router.get("/api/config")
def public_config(country: CountryDep, session: SessionDep) -> dict[str, Any]:
    """What the portal needs to present this country: no secrets, no auth required. Sites are
    the database's (superadmins add and rename them in the portal)."""
    return {
        "country": country.code,
        "name": country.name,
        "currency": country.currency,
        "locale": country.locale,
        "locales": country.locales,
        "timezone": country.timezone,
        "sites": _sites(session, country),
        "default_tariff_per_kwh": (
            str(country.tariff.default_rate_per_kwh)
            if country.tariff.default_rate_per_kwh is not None
            else None
        ),
        "features": country.features.model_dump(),
        "registration": country.registration.model_dump(mode="json"),
    }
