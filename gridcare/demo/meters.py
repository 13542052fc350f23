"""Demo meters: a primary on every account, check meters in series on some, a few backups.

The primary meter comes from the site's platform (SparkMeter behind Koios or ThunderCloud,
1Meter where the site names it). Check meters are the other make, wired in series to validate
the primary's readings. Meters of terminated accounts were taken out when the account closed.
"""

from __future__ import annotations

import random
from typing import Any

import psycopg

from gridcare.core.countries import CountryConfig
from gridcare.demo.bulk import allocate_ids, copy_rows
from gridcare.demo.customers import DemoAccount

CHECK_SHARE = 0.10
BACKUP_SHARE = 0.015
PLUGIN_MAKES = {"koios": "sparkmeter", "thundercloud": "sparkmeter", "onemeter": "onemeter"}
"""Meter platform plugin of a site → the make of meter (`meters.platform`) it runs."""


def meter_make(country: CountryConfig, site_code: str) -> str:
    return PLUGIN_MAKES.get(country.site_platform(site_code), "legacy")


def insert_meters(
    cursor: psycopg.Cursor[Any],
    *,
    country: CountryConfig,
    accounts: list[DemoAccount],
    rng: random.Random,
) -> int:
    """Insert meters and their assignments for `accounts`; return how many meters."""
    planned: list[tuple[DemoAccount, str, str]] = []  # account, role, make
    for account in accounts:
        primary = meter_make(country, account.site_code)
        planned.append((account, "primary", primary))
        if rng.random() < CHECK_SHARE:
            check = "onemeter" if primary == "sparkmeter" else "sparkmeter"
            planned.append((account, "check", check))
        if rng.random() < BACKUP_SHARE:
            planned.append((account, "backup", primary))
    meter_ids = allocate_ids(cursor, "meters", len(planned))
    serials = _serials(country, [make for _, _, make in planned], rng)
    copy_rows(
        cursor,
        "meters",
        ("id", "meter_id", "platform", "status", "created_at"),
        (
            (meter_id, serial, make, _status(account), account.opened_at)
            for meter_id, serial, (account, _, make) in zip(
                meter_ids, serials, planned, strict=True
            )
        ),
    )
    assignment_ids = allocate_ids(cursor, "meter_assignments", len(planned))
    copy_rows(
        cursor,
        "meter_assignments",
        ("id", "meter_pk", "account_id", "role", "started_at", "ended_at"),
        (
            (assignment_id, meter_id, account.id, role, account.opened_at, account.closed_at)
            for assignment_id, meter_id, (account, role, _) in zip(
                assignment_ids, meter_ids, planned, strict=True
            )
        ),
    )
    return len(planned)


def _status(account: DemoAccount) -> str:
    """A meter registered to an open account is active (as the API registers it)."""
    return "inactive" if account.closed_at is not None else "active"


def _serials(country: CountryConfig, makes: list[str], rng: random.Random) -> list[str]:
    """Unique serials in each make's style: `SM60R-07-0003A1F2` (SparkMeter), `23022673` (1Meter).

    Serials start at a country-specific random offset and count up, so they never repeat.
    """
    spark = rng.randrange(0x10000, 0x80000) * 0x100
    one = 23_000_000 + rng.randrange(10_000) * 100
    serials = []
    for make in makes:
        if make == "sparkmeter":
            spark += rng.randint(1, 9)
            serials.append(f"SM60R-07-{spark:08X}")
        elif make == "onemeter":
            one += rng.randint(1, 9)
            serials.append(f"{one}")
        else:
            serials.append(f"{country.code}-LEG-{len(serials):06d}")
    return serials
