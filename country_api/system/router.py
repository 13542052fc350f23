"""Service health and the public description of this country's deployment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from country_api.deps import CountryDep, EngineDep, SettingsDep

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


@router.get("/api/config")
def public_config(country: CountryDep) -> dict[str, Any]:
    """What the portal needs to present this country: no secrets, no auth required."""
    return {
        "country": country.code,
        "name": country.name,
        "currency": country.currency,
        "locale": country.locale,
        "locales": country.locales,
        "timezone": country.timezone,
        "sites": [
            {
                "code": site.code,
                "name": site.name,
                "meter_platform": country.site_platform(site.code),
            }
            for site in country.sites
        ],
        "default_tariff_per_kwh": (
            str(country.tariff.default_rate_per_kwh)
            if country.tariff.default_rate_per_kwh is not None
            else None
        ),
        "features": country.features.model_dump(),
        "registration": country.registration.model_dump(mode="json"),
    }
