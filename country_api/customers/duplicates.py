"""Possible duplicates before a registration is saved, at any site of the country.

Two rules: the same national id (any case, spaces ignored at the ends), or the same phone (main
or second, either way round) with a similar name. Names are similar when the first or the last
name is the same, or the whole names are close (a typo, a swapped order).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from country_api.customers.models import Account, Customer
from country_api.customers.schemas import DuplicateMatch

SIMILARITY = 0.75
MAX_MATCHES = 20


def _words(first: str, last: str) -> list[str]:
    return f"{first} {last}".casefold().split()


def similar_names(first: str, last: str, other_first: str, other_last: str) -> bool:
    mine, theirs = _words(first, last), _words(other_first, other_last)
    if not mine or not theirs:
        return False
    if set(mine) & set(theirs):
        return True
    ratio = difflib.SequenceMatcher(None, " ".join(sorted(mine)), " ".join(sorted(theirs))).ratio()
    return ratio >= SIMILARITY


def first_accounts(session: Session, customer_ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(customer_ids))
    if not ids:
        return {}
    numbers: dict[int, str] = {}
    for customer_id, number in session.exec(
        select(col(Account.customer_id), col(Account.account_number))
        .where(col(Account.customer_id).in_(ids))
        .order_by(col(Account.customer_id), col(Account.sequence))
    ):
        numbers.setdefault(customer_id, number)
    return numbers


def find_duplicates(
    *,
    session: Session,
    first_name: str,
    last_name: str,
    phones: Iterable[str | None],
    national_id: str | None,
    exclude_id: int | None = None,
) -> list[DuplicateMatch]:
    """Existing customers who may be this person, national id matches first."""
    found: list[tuple[str, Customer]] = []
    seen: set[int] = set()
    nid = (national_id or "").strip().upper()
    if nid:
        for customer in session.exec(
            select(Customer)
            .where(func.upper(col(Customer.national_id)) == nid)
            .order_by(col(Customer.id))
            .limit(MAX_MATCHES)
        ):
            found.append(("national_id", customer))
            seen.add(customer.id or 0)
    numbers = sorted({phone for phone in phones if phone})
    if numbers:
        for customer in session.exec(
            select(Customer)
            .where(or_(col(Customer.phone).in_(numbers), col(Customer.second_phone).in_(numbers)))
            .order_by(col(Customer.id))
            .limit(200)
        ):
            if customer.id in seen:
                continue
            if similar_names(first_name, last_name, customer.first_name, customer.last_name):
                found.append(("phone_and_name", customer))
                seen.add(customer.id or 0)
    found = [(reason, c) for reason, c in found if c.id != exclude_id][:MAX_MATCHES]
    accounts = first_accounts(session, (c.id or 0 for _, c in found))
    return [
        DuplicateMatch(
            reason=reason,
            customer_id=customer.id or 0,
            account_number=accounts.get(customer.id or 0),
            first_name=customer.first_name,
            last_name=customer.last_name,
            phone=customer.phone,
            national_id=customer.national_id,
            site_code=customer.site_code,
        )
        for reason, customer in found
    ]
