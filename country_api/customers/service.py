"""Registering, reading, updating and deactivating customers; account numbering per site."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from country_api.audit.models import Mutation
from country_api.audit.service import changed_values, record_mutation
from country_api.customers.models import Account, Customer, SiteAccountSequence
from country_api.customers.schemas import NOT_NULLABLE_UPDATES, CustomerCreate, CustomerUpdate
from country_api.sites.models import Site
from gridcare.core.errors import InvalidInput, NotFound
from gridcare.core.phones import normalise_phone

AUDITED_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "national_id",
    "customer_type",
    "site_code",
    "connected_at",
    "terminated_at",
    "active",
)
ACCOUNT_NUMBER = re.compile(r"^(\d{4,})([A-Z]{3})$")


@dataclass(frozen=True)
class Registration:
    customer: Customer
    account: Account


def format_account_number(sequence: int, site_code: str) -> str:
    """`0045MAK`: the site's sequence, zero-padded to four digits, then the site code."""
    return f"{sequence:04d}{site_code.upper()}"


def allocate_account_number(*, session: Session, site_code: str) -> tuple[int, str]:
    """The site's next sequence and account number.

    The upsert takes the site's `site_account_sequences` row lock until the caller's
    transaction ends, so concurrent registrations on a site queue and never collide.
    """
    upsert = insert(SiteAccountSequence).values(site_code=site_code, last_value=1)
    statement = upsert.on_conflict_do_update(
        index_elements=["site_code"],
        set_={"last_value": SiteAccountSequence.__table__.c.last_value + 1},  # type: ignore[attr-defined]
    ).returning(SiteAccountSequence.__table__.c.last_value)  # type: ignore[attr-defined]
    sequence = int(session.exec(statement).scalar_one())
    return sequence, format_account_number(sequence, site_code)


def customer_values(customer: Customer) -> dict[str, Any]:
    return {field: getattr(customer, field) for field in AUDITED_FIELDS}


def _site_code(session: Session, raw: str) -> str:
    code = raw.strip().upper()
    if session.get(Site, code) is None:
        raise InvalidInput.for_field("site_code", f"unknown site {code!r} in this country")
    return code


def _phone(raw: str | None, country: str) -> str | None:
    try:
        return normalise_phone(raw, country)
    except ValueError as error:
        raise InvalidInput.for_field("phone", str(error)) from None


def create_customer(
    *, session: Session, actor: str, country: str, data: CustomerCreate
) -> Registration:
    """Register a customer with their first account, audited, in one transaction."""
    site_code = _site_code(session, data.site_code)
    customer = Customer(
        first_name=data.first_name,
        last_name=data.last_name,
        phone=_phone(data.phone, country),
        national_id=data.national_id or None,
        customer_type=data.customer_type,
        site_code=site_code,
        connected_at=data.connected_at,
    )
    session.add(customer)
    session.flush()
    assert customer.id is not None
    sequence, number = allocate_account_number(session=session, site_code=site_code)
    account = Account(
        account_number=number, customer_id=customer.id, site_code=site_code, sequence=sequence
    )
    session.add(account)
    session.flush()
    record_mutation(
        session=session,
        actor=actor,
        action="insert",
        table="customers",
        record_id=customer.id,
        old=None,
        new=customer_values(customer),
    )
    record_mutation(
        session=session,
        actor=actor,
        action="insert",
        table="accounts",
        record_id=account.id,
        old=None,
        new={"account_number": number, "customer_id": customer.id, "site_code": site_code},
    )
    return Registration(customer=customer, account=account)


def normalise_account_number(raw: str) -> str:
    return re.sub(r"\s+", "", raw).upper()


def get_account(*, session: Session, account_number: str) -> Account:
    number = normalise_account_number(account_number)
    account = session.exec(
        select(Account).where(col(Account.account_number) == number)
    ).one_or_none()
    if account is None:
        raise NotFound(f"no account {number}")
    return account


def get_customer_by_account(
    *, session: Session, account_number: str, lock: bool = False
) -> tuple[Customer, Account]:
    account = get_account(session=session, account_number=account_number)
    customer = session.get(Customer, account.customer_id, with_for_update=lock)
    if customer is None:  # pragma: no cover - the foreign key forbids it
        raise NotFound(f"no customer for account {account.account_number}")
    return customer, account


def accounts_of(*, session: Session, customer_id: int) -> list[Account]:
    return list(
        session.exec(
            select(Account)
            .where(col(Account.customer_id) == customer_id)
            .order_by(col(Account.sequence), col(Account.id))
        )
    )


def apply_customer_changes(
    *,
    session: Session,
    actor: str,
    customer: Customer,
    changes: dict[str, Any],
    reverts: Mutation | None = None,
) -> Mutation | None:
    """Set `changes` on the customer and audit what really changed (nothing: no audit row)."""
    old, new = changed_values(customer_values(customer), changes)
    if not new:
        return None
    for field, value in new.items():
        setattr(customer, field, value)
    customer.updated_at = dt.datetime.now(dt.UTC)
    session.add(customer)
    session.flush()
    return record_mutation(
        session=session,
        actor=actor,
        action="update",
        table="customers",
        record_id=customer.id,
        old=old,
        new=new,
        reverts=reverts,
    )


def update_customer(
    *, session: Session, actor: str, country: str, account_number: str, data: CustomerUpdate
) -> Customer:
    customer, _ = get_customer_by_account(session=session, account_number=account_number, lock=True)
    changes = data.model_dump(exclude_unset=True)
    for field in NOT_NULLABLE_UPDATES & changes.keys():
        if changes[field] is None:
            raise InvalidInput.for_field(field, "may not be null")
    if "phone" in changes:
        changes["phone"] = _phone(changes["phone"], country)
    if "national_id" in changes:
        changes["national_id"] = changes["national_id"] or None
    apply_customer_changes(session=session, actor=actor, customer=customer, changes=changes)
    return customer


def deactivation_changes(today: dt.date | None = None) -> dict[str, Any]:
    return {"active": False, "terminated_at": today or dt.datetime.now(dt.UTC).date()}


def deactivate_customer(*, session: Session, actor: str, account_number: str) -> Customer:
    customer, _ = get_customer_by_account(session=session, account_number=account_number, lock=True)
    if customer.active:
        apply_customer_changes(
            session=session, actor=actor, customer=customer, changes=deactivation_changes()
        )
    return customer


def count_customers(*, session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Customer)).one())
