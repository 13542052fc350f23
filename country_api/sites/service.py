from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from country_api.sites.models import Site
from gridcare.core.countries import CountryConfig
from gridcare.core.errors import NotFound


def sync_sites(*, session: Session, country: CountryConfig) -> None:
    """Make the sites table match the country file (sites are added or renamed, never deleted)."""
    for site in country.sites:
        values = {
            "code": site.code,
            "name": site.name,
            "meter_platform": country.site_platform(site.code),
        }
        statement = insert(Site).values(**values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["code"],
                set_={
                    "name": statement.excluded.name,
                    "meter_platform": statement.excluded.meter_platform,
                },
            )
        )


def list_sites(*, session: Session) -> list[Site]:
    return list(session.exec(select(Site).order_by(Site.code)))


def get_site(*, session: Session, code: str) -> Site:
    site = session.get(Site, code.upper())
    if site is None:
        raise NotFound(f"no site {code.upper()!r} in this country")
    return site
