"""Demo customers and their accounts: uneven sites, connection waves, a few terminations.

Each site was commissioned on some day in the last three years; most of its customers were
connected in the first months after that, the rest trickle in up to today. Accounts are numbered
per site in connection order by reserving sequence numbers in `site_account_sequences`, the
table the API's own numbering draws from, so later registrations continue after them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import psycopg

from gridcare.core.countries import CountryConfig
from gridcare.demo.bulk import allocate_ids, copy_rows
from gridcare.demo.names import NAME_BOOKS, NameBook, national_id, phone_number

CUSTOMERS_PER_COUNTRY = {"LS": 1400, "BN": 150}
"""How many demo customers each country gets; a country not listed stays empty (Zambia)."""

TYPE_WEIGHTS = {"household": 86, "business": 11, "institution": 3}
TERMINATED_SHARE = 0.025
HISTORY_DAYS = 3 * 365


@dataclass(frozen=True)
class DemoAccount:
    """What the meter seeding needs to know about an account it equips."""

    id: int
    account_number: str
    site_code: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None


@dataclass
class _Draft:
    first_name: str
    last_name: str
    phone: str | None
    national_id: str | None
    customer_type: str
    site_code: str
    connected_at: dt.date
    terminated_at: dt.date | None


def site_sizes(site_codes: list[str], total: int, rng: random.Random) -> dict[str, int]:
    """Split `total` customers unevenly (some sites are villages, some are towns)."""
    if not site_codes or total == 0:
        return dict.fromkeys(site_codes, 0)
    weights = [rng.lognormvariate(0, 0.5) for _ in site_codes]
    scale = total / sum(weights)
    sizes = [max(1, int(weight * scale)) for weight in weights]
    for index in range(total - sum(sizes)):
        sizes[index % len(sizes)] += 1
    while sum(sizes) > total:  # only when many tiny sites were bumped up to 1
        sizes[sizes.index(max(sizes))] -= 1
    return dict(zip(site_codes, sizes, strict=True))


def insert_customers(
    cursor: psycopg.Cursor[Any], *, country: CountryConfig, rng: random.Random, today: dt.date
) -> list[DemoAccount]:
    """Insert the country's demo customers with one account each; return the accounts."""
    total = CUSTOMERS_PER_COUNTRY.get(country.code, 0)
    book = NAME_BOOKS.get(country.code)
    if total == 0 or book is None or not country.sites:
        return []
    sizes = site_sizes([site.code for site in country.sites], total, rng)
    drafts: list[_Draft] = []
    for site in country.sites:
        commissioned = today - dt.timedelta(days=rng.randint(180, HISTORY_DAYS))
        site_drafts = [
            _draft(book, country.code, site.code, site.name, commissioned, today, rng)
            for _ in range(sizes[site.code])
        ]
        drafts += sorted(site_drafts, key=lambda draft: draft.connected_at)
    customer_ids = allocate_ids(cursor, "customers", len(drafts))
    account_ids = allocate_ids(cursor, "accounts", len(drafts))
    copy_rows(
        cursor,
        "customers",
        (
            "id",
            "first_name",
            "last_name",
            "phone",
            "national_id",
            "customer_type",
            "category",
            "site_code",
            "connected_at",
            "terminated_at",
            "active",
            "created_at",
            "updated_at",
        ),
        (
            (
                customer_id,
                d.first_name,
                d.last_name,
                d.phone,
                d.national_id,
                d.customer_type,
                d.customer_type,  # the funders' category of the three types is the same word
                d.site_code,
                d.connected_at,
                d.terminated_at,
                d.terminated_at is None,
                _moment(d.connected_at, country),
                _moment(d.terminated_at or d.connected_at, country),
            )
            for customer_id, d in zip(customer_ids, drafts, strict=True)
        ),
    )
    accounts = _number_accounts(cursor, drafts, account_ids, country)
    copy_rows(
        cursor,
        "accounts",
        ("id", "account_number", "customer_id", "site_code", "sequence", "opened_at", "closed_at"),
        (
            (
                account.id,
                account.account_number,
                customer_id,
                account.site_code,
                int(account.account_number[:-3]),
                account.opened_at,
                account.closed_at,
            )
            for account, customer_id in zip(accounts, customer_ids, strict=True)
        ),
    )
    return accounts


def reserve_account_sequences(cursor: psycopg.Cursor[Any], site_code: str, count: int) -> range:
    """Take the next `count` account sequence numbers of a site (the row lock serialises)."""
    cursor.execute(
        "INSERT INTO site_account_sequences (site_code, last_value) VALUES (%s, %s)"
        " ON CONFLICT (site_code) DO UPDATE"
        " SET last_value = site_account_sequences.last_value + EXCLUDED.last_value"
        " RETURNING last_value",
        (site_code, count),
    )
    row = cursor.fetchone()
    assert row is not None
    last = int(row[0])
    return range(last - count + 1, last + 1)


def account_number(sequence: int, site_code: str) -> str:
    return f"{sequence:04d}{site_code}".upper()


def _number_accounts(
    cursor: psycopg.Cursor[Any], drafts: list[_Draft], ids: list[int], country: CountryConfig
) -> list[DemoAccount]:
    per_site: dict[str, int] = {}
    for draft in drafts:
        per_site[draft.site_code] = per_site.get(draft.site_code, 0) + 1
    sequences = {
        site: iter(reserve_account_sequences(cursor, site, count))
        for site, count in per_site.items()
    }
    return [
        DemoAccount(
            id=account_id,
            account_number=account_number(next(sequences[draft.site_code]), draft.site_code),
            site_code=draft.site_code,
            opened_at=_moment(draft.connected_at, country),
            closed_at=_moment(draft.terminated_at, country) if draft.terminated_at else None,
        )
        for account_id, draft in zip(ids, drafts, strict=True)
    ]


def _draft(
    book: NameBook,
    country_code: str,
    site_code: str,
    place: str,
    commissioned: dt.date,
    today: dt.date,
    rng: random.Random,
) -> _Draft:
    (customer_type,) = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))
    if customer_type == "household":
        person = book.person(rng)
        first_name, last_name = person.first_name, person.last_name
    elif customer_type == "business":
        first_name, last_name = book.business(rng), ""
    else:
        first_name, last_name = book.institution(rng, place), ""
    span = (today - commissioned).days
    connected = commissioned + dt.timedelta(days=int(span * rng.random() ** 2.5))
    terminated = None
    if rng.random() < TERMINATED_SHARE and (today - connected).days > 30:
        terminated = connected + dt.timedelta(days=rng.randint(30, (today - connected).days))
    return _Draft(
        first_name=first_name,
        last_name=last_name,
        phone=phone_number(country_code, rng) if rng.random() < 0.93 else None,
        national_id=(
            national_id(country_code, rng)
            if customer_type == "household" and rng.random() < 0.8
            else None
        ),
        customer_type=customer_type,
        site_code=site_code,
        connected_at=connected,
        terminated_at=terminated,
    )


def _moment(day: dt.date, country: CountryConfig) -> dt.datetime:
    """Mid-morning local time on `day`, in UTC (installations happen in working hours)."""
    local = dt.datetime.combine(day, dt.time(9, 30), tzinfo=country.zone)
    return local.astimezone(dt.UTC)
