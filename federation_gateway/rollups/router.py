"""`/api/global/{revenue,arpu,customers,consumption}`: cross-country rollups.

Money answers (`revenue`, `arpu`) look like

    {"currency": "USD", "granularity": "month", "partial": false,
     "countries": {"ls": {"status": "ok", "reason": null, "series": [
         {"period": "2025-01", "amount_local": "1000.00", "currency": "LSL", "rate": "0.05",
          "amount_usd": "50.00", "missing_rate": false}]},
                   "zm": {"status": "unavailable", "reason": "did not answer within 5 s",
                          "series": []}},
     "totals": [{"period": "2025-01", "amount_usd": "50.00", "partial": true}],
     "rates": [{"currency": "LSL", "period": "2025-01", "rate": "0.05", "source": "…"}],
     "missing_rates": [{"currency": "ZMW", "period": "2025-01"}]}

with money as decimal strings. A quarter row has `rate: null` and its `months`, each converted
with its own rate. ARPU rows add `customers` and `arpu_usd`, and the answer says how ARPU
across countries is computed (`arpu_method`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Depends, Query, Request
from starlette.types import ASGIApp

from federation_gateway.cache import make_cache
from federation_gateway.deps import HttpDep, ResourcesDep
from federation_gateway.rollups.auth import Reader, country_token_issuer
from federation_gateway.rollups.context import RollupContext
from federation_gateway.rollups.periods import Granularity, month_range, parse_month
from federation_gateway.rollups.service import Kind, choose_countries, rollup
from federation_gateway.rollups.settings import RollupSettings
from gridcare.core.errors import NotFound

router = APIRouter(prefix="/api/global", tags=["rollups"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid gateway token"},
    403: {"description": "the role may not read cross-country rollups"},
    422: {"description": "a month, the granularity or a country code is malformed"},
}
FromMonth = Annotated[str, Query(alias="from", description="First month, `2025-01`", max_length=16)]
ToMonth = Annotated[str, Query(alias="to", description="Last month, `2025-12`", max_length=16)]
Countries = Annotated[
    str | None, Query(description="Country codes, `LS,BN` (default: all)", max_length=200)
]


_CONTEXTS: WeakKeyDictionary[ASGIApp, RollupContext] = WeakKeyDictionary()
"""Each gateway app's rollup context, made on first use. The rollups own it: the gateway's
resources sit below every domain and cannot name it."""


def rollup_context(request: Request, resources: ResourcesDep, client: HttpDep) -> RollupContext:
    """The app's context (a `rollup_cache` given to `create_app` is used); made again when the
    app has started again with a new HTTP client."""
    context = _CONTEXTS.get(request.app)
    if context is None or context.client is not client:
        settings = resources.settings
        options = RollupSettings()
        cache = resources.rollup_cache or make_cache(
            settings.redis_url, prefix=options.cache_prefix
        )
        context = RollupContext(
            client=client,
            settings=settings,
            engine=resources.engine,
            cache=cache,
            issuer=country_token_issuer(resources.issuer),
            ttl_seconds=options.rollup_cache_seconds,
            seed_shipped_rates=options.fx_seed_shipped_file,
        )
        _CONTEXTS[request.app] = context
    return context


@dataclass(frozen=True)
class RollupQuestion:
    """What every rollup is asked: which months, at which granularity, of which countries."""

    months: list[dt.date]
    granularity: Granularity
    countries: str | None


def rollup_question(
    first: FromMonth,
    last: ToMonth,
    granularity: Granularity = Granularity.MONTH,
    countries: Countries = None,
) -> RollupQuestion:
    first_month, last_month = parse_month(first, field="from"), parse_month(last, field="to")
    return RollupQuestion(month_range(first_month, last_month, granularity), granularity, countries)


Question = Annotated[RollupQuestion, Depends(rollup_question)]


Context = Annotated[RollupContext, Depends(rollup_context)]


async def _answer(
    context: RollupContext, reader: Reader, kind: Kind, question: RollupQuestion
) -> dict[str, Any]:
    return await rollup(
        context=context,
        reader=reader,
        kind=kind,
        months=question.months,
        granularity=question.granularity,
        targets=choose_countries(context.settings, question.countries),
    )


@router.get("/revenue", responses=ERRORS)
async def global_revenue(context: Context, reader: Reader, question: Question) -> dict[str, Any]:
    """Revenue per country in local currency and USD (each month at its own average rate)."""
    return await _answer(context, reader, Kind.REVENUE, question)


@router.get("/arpu", responses=ERRORS)
async def global_arpu(context: Context, reader: Reader, question: Question) -> dict[str, Any]:
    """USD ARPU per country and across countries (total USD revenue / total customers)."""
    return await _answer(context, reader, Kind.ARPU, question)


@router.get("/customers", responses=ERRORS)
async def global_customers(context: Context, reader: Reader, question: Question) -> dict[str, Any]:
    """Customer counts per country and summed (total, active, new, terminated, paying)."""
    return await _answer(context, reader, Kind.CUSTOMERS, question)


@router.get("/consumption", responses=ERRORS)
async def global_consumption(
    context: Context, reader: Reader, question: Question
) -> dict[str, Any]:
    """kWh measured per country and summed."""
    return await _answer(context, reader, Kind.CONSUMPTION, question)


@router.delete(
    "/cache/{cc}", status_code=204, responses={**ERRORS, 404: {"description": "unknown"}}
)
async def invalidate_country_cache(context: Context, reader: Reader, cc: str) -> None:
    """Forget every cached answer of one country (and the rollups built from them)."""
    slug = cc.strip().lower()
    if slug not in context.settings.countries:
        raise NotFound(f"no country {cc!r} behind this gateway")
    await context.invalidate_country(slug)
