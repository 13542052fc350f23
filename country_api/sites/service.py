"""Sites: seeded from the country file, then managed by superadmins (audited).

The start-up sync inserts the file's missing sites and refreshes the ones nobody edited in the
portal (a rename keeps the old name among `alt_names`, so both spellings stay searchable); a
site a person edited (`edited_at` set) is never overwritten by the file again, and no site is
ever deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from country_api.audit.service import changed_values, record_mutation
from country_api.sites.models import Site
from gridcare.core.countries import CountryConfig
from gridcare.core.errors import Conflict, InvalidInput, NotFound

AUDITED_FIELDS = ("code", "name", "district", "meter_platform", "active", "alt_names")


def _merged_names(*groups: list[str] | tuple[str, ...], besides: str) -> list[str]:
    """Distinct names in order, case-insensitively, leaving out `besides` (the current name)."""
    seen = {besides.casefold()}
    names = []
    for group in groups:
        for name in group:
            cleaned = name.strip()
            if cleaned and cleaned.casefold() not in seen:
                seen.add(cleaned.casefold())
                names.append(cleaned)
    return names


def sync_sites(*, session: Session, country: CountryConfig) -> None:
    """Insert the file's missing sites; refresh the unedited ones; leave edited ones alone."""
    for config in country.sites:
        platform = country.site_platform(config.code)
        site = session.get(Site, config.code, with_for_update=True)
        if site is None:
            session.add(
                Site(
                    code=config.code,
                    name=config.name,
                    meter_platform=platform,
                    district=config.district,
                    alt_names=_merged_names(config.alt_names, besides=config.name),
                )
            )
        elif site.edited_at is None:
            previous = [site.name] if site.name != config.name else []
            site.alt_names = _merged_names(
                config.alt_names, site.alt_names, previous, besides=config.name
            )
            site.name = config.name
            site.meter_platform = platform
            site.district = config.district or site.district
            session.add(site)
    session.flush()


def site_values(site: Site) -> dict[str, Any]:
    return {field: getattr(site, field) for field in AUDITED_FIELDS}


def list_sites(
    *, session: Session, q: str | None = None, include_inactive: bool = True
) -> list[Site]:
    """Sites by code; `q` matches code, name, district or any other spelling (any case)."""
    statement = select(Site)
    if not include_inactive:
        statement = statement.where(col(Site.active))
    if q and q.strip():
        pattern = f"%{q.strip().casefold()}%"
        statement = statement.where(
            or_(
                func.lower(col(Site.code)).like(pattern),
                func.lower(col(Site.name)).like(pattern),
                func.lower(func.coalesce(col(Site.district), "")).like(pattern),
                func.lower(func.array_to_string(col(Site.alt_names), " ")).like(pattern),
            )
        )
    return list(session.exec(statement.order_by(col(Site.code))))


def get_site(*, session: Session, code: str) -> Site:
    site = session.get(Site, code.upper())
    if site is None:
        raise NotFound(f"no site {code.upper()!r} in this country")
    return site


def resolve_site(sites: list[Site], raw: str) -> Site | None:
    """The site a spreadsheet means: its code, its name or another spelling (any case)."""
    wanted = raw.strip().casefold()
    for site in sites:
        if site.code.casefold() == wanted:
            return site
    for site in sites:
        if site.name.casefold() == wanted or wanted in (n.casefold() for n in site.alt_names):
            return site
    return None


def _check_platform(platform: str, known: frozenset[str]) -> str:
    if platform not in known:
        raise InvalidInput.for_field(
            "meter_platform",
            f"unknown meter platform {platform!r} (known: {', '.join(sorted(known))})",
        )
    return platform


def create_site(
    *,
    session: Session,
    actor: str,
    values: dict[str, Any],
    platforms: frozenset[str],
    now: dt.datetime,
) -> Site:
    code = str(values["code"]).upper()
    if session.get(Site, code) is not None:
        raise Conflict(
            f"site {code} already exists", fields=[{"field": "code", "message": "taken"}]
        )
    site = Site(
        code=code,
        name=values["name"],
        meter_platform=_check_platform(values["meter_platform"], platforms),
        district=values.get("district"),
        active=values.get("active", True),
        alt_names=_merged_names(values.get("alt_names") or [], besides=values["name"]),
        edited_by=actor,
        edited_at=now,
    )
    session.add(site)
    session.flush()
    record_mutation(
        session=session,
        actor=actor,
        action="insert",
        table="sites",
        record_id=code,
        old=None,
        new=site_values(site),
    )
    return site


def update_site(
    *,
    session: Session,
    actor: str,
    code: str,
    changes: dict[str, Any],
    platforms: frozenset[str],
    now: dt.datetime,
) -> Site:
    site = session.get(Site, code.upper(), with_for_update=True)
    if site is None:
        raise NotFound(f"no site {code.upper()!r} in this country")
    for field in ("name", "meter_platform", "active", "alt_names"):
        if field in changes and changes[field] is None:
            raise InvalidInput.for_field(field, "may not be null")
    if "meter_platform" in changes:
        _check_platform(changes["meter_platform"], platforms)
    if "alt_names" in changes or "name" in changes:
        name = changes.get("name", site.name)
        names = changes.get("alt_names", site.alt_names)
        renamed_from = [site.name] if name != site.name else []
        changes["alt_names"] = _merged_names(names, renamed_from, besides=name)
    old, new = changed_values(site_values(site), changes)
    if not new:
        return site
    for field, value in new.items():
        setattr(site, field, value)
    site.edited_by = actor
    site.edited_at = now
    session.add(site)
    session.flush()
    record_mutation(
        session=session,
        actor=actor,
        action="update",
        table="sites",
        record_id=site.code,
        old=old,
        new=new,
    )
    return site
