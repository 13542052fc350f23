"""Gateway health and the public list of countries (for the log-in page)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from federation_gateway.deps import EngineDep, SettingsDep

router = APIRouter(tags=["system"])


@router.get(
    "/health",
    include_in_schema=False,
    responses={503: {"description": "gateway database unreachable"}},
)
def health(engine: EngineDep) -> JSONResponse:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as error:
        database = f"unreachable: {type(error).__name__}"
    body = {"status": "ok" if database == "ok" else "degraded", "database": database}
    return JSONResponse(body, status_code=200 if database == "ok" else 503)


@router.get("/api/countries")
def countries(settings: SettingsDep) -> list[dict[str, Any]]:
    """Every country behind this gateway: no secrets, no auth required."""
    return [
        {
            "code": target.code,
            "slug": slug,
            "name": target.config.name,
            "currency": target.config.currency,
            "locale": target.config.locale,
        }
        for slug, target in sorted(settings.countries.items())
    ]
