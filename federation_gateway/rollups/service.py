"""The four rollups: ask every chosen country at once, convert money per month, add up.

Revenue and ARPU ask each country for its monthly sales (`/api/om-report/revenue`, monthly even
for a quarterly rollup, so every month is converted with its own rate). Customers and
consumption carry no money and ask the country's own report at the rollup's granularity.
A whole answer is cached only when it is complete (not partial).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from federation_gateway.config import CountryTarget, Settings
from federation_gateway.fx.models import MonthlyRate
from federation_gateway.fx.service import RateKey
from federation_gateway.rollups.auth import GlobalReader, country_token
from federation_gateway.rollups.client import CountryAnswer, country_tag, fan_out
from federation_gateway.rollups.context import FX_TAG, RollupContext
from federation_gateway.rollups.convert import (
    MalformedAnswer,
    decimal_of,
    money_series,
    monthly_figures,
    rates_listing,
    text,
    usd,
)
from federation_gateway.rollups.periods import Granularity, month_label, period_label
from gridcare.core.errors import InvalidInput

ARPU_METHOD = (
    "ARPU across countries = total USD revenue of the period / total cumulative paying customers"
    " at the period's end, over the countries whose revenue could be converted; it is not an"
    " average of the countries' ARPUs"
)


class Kind(StrEnum):
    REVENUE = "revenue"
    ARPU = "arpu"
    CUSTOMERS = "customers"
    CONSUMPTION = "consumption"


def choose_countries(settings: Settings, countries: str | None) -> dict[str, CountryTarget]:
    if not countries:
        return dict(settings.countries)
    chosen = {}
    for code in filter(None, (part.strip().lower() for part in countries.split(","))):
        if code not in settings.countries:
            known = ", ".join(sorted(settings.countries))
            raise InvalidInput.for_field("countries", f"unknown country {code!r} (known: {known})")
        chosen[code] = settings.countries[code]
    if not chosen:
        raise InvalidInput.for_field("countries", "name at least one country, e.g. LS,BN")
    return chosen


def _unavailable(reason: str | None) -> dict[str, Any]:
    return {"status": "unavailable", "reason": reason, "series": []}


async def rollup(
    *,
    context: RollupContext,
    reader: GlobalReader,
    kind: Kind,
    months: list[dt.date],
    granularity: Granularity,
    targets: dict[str, CountryTarget],
) -> dict[str, Any]:
    access = ",".join(
        f"{slug}={int(target.code in reader.roles)}" for slug, target in sorted(targets.items())
    )
    span = f"{month_label(months[0])}..{month_label(months[-1])}"
    response_key = f"rollup:{kind}:{span}:{granularity}:{access}"
    cached = await context.cache.get(response_key)
    if isinstance(cached, dict):
        return cached
    tokens = {slug: country_token(context.issuer, reader, t.code) for slug, t in targets.items()}
    money = kind in (Kind.REVENUE, Kind.ARPU)
    path = "/api/om-report/revenue" if money else f"/api/om-report/{kind}"
    params = {
        "from": month_label(months[0]),
        "to": month_label(months[-1]),
        "granularity": "month" if money else str(granularity),
    }
    answers = await fan_out(
        client=context.client,
        targets=targets,
        path=path,
        params=params,
        tokens=tokens,
        cache=context.cache,
        ttl=context.ttl_seconds,
    )
    if money:
        result = await _money_rollup(context, kind, answers, months, granularity)
    else:
        result = _count_rollup(kind, answers, months, granularity)
    if not result["partial"]:
        tags = [country_tag(slug) for slug in targets] + [FX_TAG]
        await context.cache.set(response_key, result, ttl=context.ttl_seconds, tags=tags)
    return result


async def _money_rollup(
    context: RollupContext,
    kind: Kind,
    answers: dict[str, CountryAnswer],
    months: list[dt.date],
    granularity: Granularity,
) -> dict[str, Any]:
    parsed: dict[str, tuple[str, dict[dt.date, dict[str, Any]]]] = {}
    countries: dict[str, dict[str, Any]] = {}
    for slug, answer in answers.items():
        if answer.body is None:
            countries[slug] = _unavailable(answer.reason)
            continue
        try:
            figures = monthly_figures(answer.body, months)
            currency = str(answer.body.get("currency") or answer.target.config.currency).upper()
            for entry in figures.values():
                decimal_of(entry, "revenue")
        except MalformedAnswer as error:
            countries[slug] = _unavailable(f"answered without what the rollup needs: {error}")
            continue
        parsed[slug] = (currency, figures)
    keys = {(currency, month) for currency, _ in parsed.values() for month in months}
    rates = await context.rates(keys)
    used: dict[RateKey, MonthlyRate] = {}
    labels = list(dict.fromkeys(period_label(m, granularity) for m in months))
    totals = {label: _Total() for label in labels}
    for slug, (currency, figures) in parsed.items():
        amounts = {month: decimal_of(entry, "revenue") for month, entry in figures.items()}
        series = money_series(
            amounts=amounts, currency=currency, granularity=granularity, rates=rates
        )
        for month in months:
            if (currency, month) in rates:
                used[(currency, month)] = rates[(currency, month)]
        last_month = {period_label(m, granularity): m for m in months}
        for row in series:
            total = totals[row["period"]]
            customers = int(figures[last_month[row["period"]]].get("customers_cumulative", 0))
            if kind is Kind.ARPU:
                row["customers"] = customers
                row["arpu_usd"] = _arpu(row["amount_usd"], customers)
            if row["missing_rate"]:
                total.partial = True
                continue
            total.usd += Decimal(row["amount_usd"])
            total.customers += customers
        countries[slug] = {"status": "ok", "reason": None, "series": series}
    await context.mark_used(set(used))
    any_down = len(parsed) < len(answers)
    total_rows = []
    for label, total in totals.items():
        total_row: dict[str, Any] = {
            "period": label,
            "amount_usd": text(usd(total.usd)),
            "partial": total.partial or any_down,
        }
        if kind is Kind.ARPU:
            total_row["customers"] = total.customers
            total_row["arpu_usd"] = _arpu(total_row["amount_usd"], total.customers)
        total_rows.append(total_row)
    missing = sorted({(c, m) for c, m in keys if (c, m) not in rates})
    result: dict[str, Any] = {
        "currency": "USD",
        "granularity": str(granularity),
        "partial": any(row["partial"] for row in total_rows) or any_down,
        "countries": dict(sorted(countries.items())),
        "totals": total_rows,
        "rates": rates_listing(used),
        "missing_rates": [{"currency": c, "period": month_label(m)} for c, m in missing],
    }
    if kind is Kind.ARPU:
        result["arpu_method"] = ARPU_METHOD
    return result


@dataclass
class _Total:
    usd: Decimal = Decimal(0)
    customers: int = 0
    partial: bool = False


def _arpu(amount_usd: str | None, customers: int) -> str | None:
    if amount_usd is None or customers == 0:
        return None
    return text(usd(Decimal(amount_usd) / customers))


COUNT_FIELDS = {
    Kind.CUSTOMERS: ("total", "active", "new", "terminated", "paying"),
    Kind.CONSUMPTION: ("kwh", "customers"),
}


def _count_rollup(
    kind: Kind,
    answers: dict[str, CountryAnswer],
    months: list[dt.date],
    granularity: Granularity,
) -> dict[str, Any]:
    names = COUNT_FIELDS[kind]
    labels = list(dict.fromkeys(period_label(m, granularity) for m in months))
    totals = {label: dict.fromkeys(names, Decimal(0)) for label in labels}
    countries: dict[str, dict[str, Any]] = {}
    for slug, answer in answers.items():
        if answer.body is None:
            countries[slug] = _unavailable(answer.reason)
            continue
        series = answer.body.get("series")
        by_label = {str(e.get("period")): e for e in series or [] if isinstance(e, dict)}
        try:
            rows = [{"period": label, **_figures(by_label, label, names)} for label in labels]
        except MalformedAnswer as error:
            countries[slug] = _unavailable(f"answered without what the rollup needs: {error}")
            continue
        for row in rows:
            for name in names:
                totals[row["period"]][name] += Decimal(row[name])
        countries[slug] = {"status": "ok", "reason": None, "series": rows}
    partial = any(country["status"] != "ok" for country in countries.values())
    total_rows = [
        {"period": label, **{n: _number(n, v) for n, v in values.items()}, "partial": partial}
        for label, values in totals.items()
    ]
    result: dict[str, Any] = {
        "granularity": str(granularity),
        "partial": partial,
        "countries": dict(sorted(countries.items())),
        "totals": total_rows,
    }
    if kind is Kind.CONSUMPTION:
        result = {"unit": "kWh", **result}
    return result


def _figures(
    by_label: dict[str, dict[str, Any]], label: str, names: tuple[str, ...]
) -> dict[str, Any]:
    entry = by_label.get(label)
    if entry is None:
        raise MalformedAnswer(f"the answer lacks the period {label}")
    return {name: _number(name, decimal_of(entry, name)) for name in names}


def _number(name: str, value: Decimal) -> str | int:
    return text(value) if name == "kwh" else int(value)
