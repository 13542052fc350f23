"""What a country API does once when it starts, before it serves: the database made ready for
the country file (sites, the default tariff) and the months of readings ahead partitioned.
Each step is idempotent, so any number of copies may start at once."""

from __future__ import annotations

from country_api.metering.partitions import ensure_partitions_ahead
from country_api.resources import CountryResources
from country_api.sites.service import sync_sites
from country_api.tariffs.service import seed_country_default
from gridcare.core.db import unit_of_work


def prepare_database(resources: CountryResources) -> None:
    country = resources.country
    with unit_of_work(resources.engine) as session:
        sync_sites(session=session, country=country)
        seed_country_default(session=session, country=country)
    ensure_partitions_ahead(resources.engine, now=resources.clock())
