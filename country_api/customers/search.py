"""Customer search: name, phone, national id or account number, by site, a page at a time.

Free text is matched against `customers.search_text` (lower-cased names, phone and national
id, trigram-indexed) word by word; phone-like input is also matched as bare digits; account
numbers by prefix on `accounts.account_number` (trigram-indexed). The two candidate sets are
unioned by id so each side keeps its own index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Select,
    and_,
    func,
    literal_column,
    or_,
    true,
    union,
)
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from country_api.customers.models import Account, Customer
from country_api.sites.models import Site
from gridcare.core.errors import InvalidInput
from gridcare.core.phones import looks_like_phone, phone_digits

SEARCH_TEXT: ColumnClause[str] = literal_column("customers.search_text")
_SHORT_ACCOUNT = re.compile(r"^(\d{1,3})([A-Z]{1,3})$")
_ACCOUNT_NUMBER = re.compile(r"^\d{4,6}[A-Z]{3}$")


@dataclass(frozen=True)
class SearchPage:
    rows: list[dict[str, Any]]
    total: int


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(term: str) -> ColumnElement[bool]:
    return SEARCH_TEXT.like(f"%{_like_escape(term)}%", escape="\\")


def account_prefix(q: str) -> str:
    """`45 mak` → `0045MAK`: spaces dropped, upper-cased, a short number zero-padded."""
    compact = re.sub(r"\s+", "", q).upper()
    short = _SHORT_ACCOUNT.match(compact)
    if short:
        return f"{int(short.group(1)):04d}{short.group(2)}"
    return compact


def matching_ids(q: str, site: str | None = None) -> Select[Any]:
    """Ids of customers whose text or one of whose account numbers matches `q` (in `site`).

    Input shaped like an account number (`45MAK`, `0045 mak`) is looked up in accounts only.
    """
    prefix = account_prefix(q)
    by_account: Select[Any] = core_select(col(Account.customer_id).label("id")).where(
        col(Account.account_number).like(f"{_like_escape(prefix)}%", escape="\\")
    )
    if site:
        by_account = by_account.where(col(Account.site_code) == site)
    if _ACCOUNT_NUMBER.match(prefix):
        return by_account
    words = q.lower().split()
    text_match: ColumnElement[bool] = and_(*(_contains(word) for word in words))
    if looks_like_phone(q):
        text_match = or_(text_match, _contains(phone_digits(q)))
    by_text: Select[Any] = core_select(col(Customer.id).label("id")).where(text_match)
    if site:
        by_text = by_text.where(col(Customer.site_code) == site)
    return core_select(union(by_text, by_account).subquery().c.id)


def search_customers(
    *,
    session: Session,
    q: str | None = None,
    site: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> SearchPage:
    """One page of matches in registration order, and how many match in all.

    A text search finds the matching ids once: one query returns the page's ids with the
    total beside them (a window count over ids only). Browsing a site counts on the site index
    and pages on the primary key. Then the page's customers are loaded.
    """
    code = None
    if site:
        code = site.strip().upper()
        if session.get(Site, code) is None:
            raise InvalidInput.for_field("site", f"unknown site {code!r} in this country")
    offset = (page - 1) * page_size
    ids: list[int]
    if q and q.strip():
        matched = matching_ids(q.strip(), code).subquery()
        found = session.exec(
            select(matched.c.id, func.count().over())
            .order_by(matched.c.id)
            .offset(offset)
            .limit(page_size)
        ).all()
        ids = [customer_id for customer_id, _ in found]
        total = int(found[0][1]) if found else _count(session, select(matched.c.id))
    else:
        condition = col(Customer.site_code) == code if code else true()
        total = _count(session, select(col(Customer.id)).where(condition))
        ids = [
            customer_id
            for customer_id in session.exec(
                select(col(Customer.id))
                .where(condition)
                .order_by(col(Customer.id))
                .offset(offset)
                .limit(page_size)
            )
            if customer_id is not None
        ]
    customers = (
        list(
            session.exec(
                select(Customer).where(col(Customer.id).in_(ids)).order_by(col(Customer.id))
            )
        )
        if ids
        else []
    )
    numbers = account_numbers_by_customer(session=session, customer_ids=ids)
    rows = [
        {**customer.model_dump(), "account_numbers": numbers.get(customer.id or 0, [])}
        for customer in customers
    ]
    return SearchPage(rows=rows, total=total)


def _count(session: Session, ids: Select[Any]) -> int:
    return int(session.exec(select(func.count()).select_from(ids.subquery())).one())


def account_numbers_by_customer(
    *, session: Session, customer_ids: list[int]
) -> dict[int, list[str]]:
    if not customer_ids:
        return {}
    result: dict[int, list[str]] = {}
    for customer_id, number in session.exec(
        select(col(Account.customer_id), col(Account.account_number))
        .where(col(Account.customer_id).in_(customer_ids))
        .order_by(col(Account.customer_id), col(Account.sequence))
    ):
        result.setdefault(customer_id, []).append(number)
    return result
