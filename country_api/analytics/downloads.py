"""Any JSON report as a one-sheet workbook: a row per scope (`All` or a site) and period, money
as numbers in the country's currency format, kWh as numbers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from country_api.analytics.schemas import LoadProfileReport
from country_api.exports.formats import currency_format
from country_api.exports.writer import Column, Kind, write_workbook
from gridcare.core.countries import CountryConfig

_MONEY = {"revenue", "fees", "arpu"}
_KWH = {"kwh", "kwh_vended", "average_kwh_per_customer"}
_FRACTIONS = {"activation_rate", "growth_rate"}
_SKIPPED = {"per_site", "currency"}


def _kind(name: str, value: Any) -> Kind:
    if name in _MONEY:
        return Kind.MONEY
    if name in _KWH:
        return Kind.KWH
    if name in _FRACTIONS:
        return Kind.NUMBER
    return Kind.INTEGER if isinstance(value, int) else Kind.TEXT


def _cell(kind: Kind, value: Any) -> Any:
    if value is not None and kind in (Kind.MONEY, Kind.KWH, Kind.NUMBER):
        return Decimal(value)
    return value


def _entries(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(scope, entry) pairs: the overall series first, then each site's."""
    if "curves" in report:
        return [(curve, point) for curve, points in report["curves"].items() for point in points]
    overall = report.get("series") or report.get("arpu") or []
    pairs = [("All", entry) for entry in overall]
    per_site = report.get("per_site")
    if isinstance(per_site, dict):
        pairs += [(site, entry) for site, entries in per_site.items() for entry in entries]
    else:  # ARPU keeps its sites inside each period
        pairs += [
            (site, {"period": entry["period"], **figures})
            for entry in overall
            for site, figures in entry["per_site"].items()
        ]
    return pairs


def report_workbook(*, name: str, report: BaseModel, country: CountryConfig) -> Path:
    pairs = _entries(report.model_dump())
    keys = [key for key in (pairs[0][1] if pairs else {}) if key not in _SKIPPED]
    fields = sorted(keys, key=lambda key: key != "period")  # the period first, then the figures
    sample = pairs[0][1] if pairs else {}
    kinds = [_kind(key, sample.get(key)) for key in fields]
    scope = "Curve" if isinstance(report, LoadProfileReport) else "Site"
    columns = [Column(scope, Kind.TEXT, 10)] + [
        Column(key.replace("_", " ").capitalize(), kind, 16)
        for key, kind in zip(fields, kinds, strict=True)
    ]
    rows = (
        [
            scope_name,
            *(_cell(kind, entry.get(key)) for key, kind in zip(fields, kinds, strict=True)),
        ]
        for scope_name, entry in pairs
    )
    path, _ = write_workbook(
        name=name,
        columns=columns,
        rows=rows,
        money_format=currency_format(country.currency, country.locale),
    )
    return path
