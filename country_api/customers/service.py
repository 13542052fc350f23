"""Registering, reading, updating and deactivating customers; account numbering per site."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from country_api.audit.models import Mutation
from country_api.audit.service import changed_values, record_mutation
from country_api.customers.models import (
    CATEGORY_OF_TYPE,
    TYPE_OF_CATEGORY,
    Account,
    Category,
    Customer,
    CustomerType,
    SiteAccountSequence,
)
from country_api.customers.schemas import NOT_NULLABLE_UPDATES, CustomerCreate, CustomerUpdate
from country_api.sites.models import Site
from gridcare.core.countries import RegistrationConfig
from gridcare.core.errors import InvalidInput, NotFound
from gridcare.core.phones import normalise_phone

AUDITED_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "national_id",
    "customer_type",
    "category",
    "gender",
    "latitude",
    "longitude",
    "village",
    "plot_number",
    "second_phone",
    "language",
    "rooms",
    "appliances",
    "site_code",
    "connected_at",
    "terminated_at",
    "active",
)
NO_RULES = RegistrationConfig()
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
    site = session.get(Site, code)
    if site is None:
        raise InvalidInput.for_field("site_code", f"unknown site {code!r} in this country")
    if not site.active:
        raise InvalidInput.for_field("site_code", f"site {code} is inactive")
    return code


def _phone(raw: str | None, country: str, field: str = "phone") -> str | None:
    try:
        return normalise_phone(raw, country)
    except ValueError as error:
        raise InvalidInput.for_field(field, str(error)) from None


Problems = list[tuple[str, str]]


MICRODEGREE = Decimal("0.000001")


def _coordinate(value: float | None) -> Decimal | None:
    """Six decimals (about 11 cm), as the column stores it: audit values match the row's."""
    return None if value is None else Decimal(str(value)).quantize(MICRODEGREE)


def check_position(
    latitude: float | None, longitude: float | None, rules: RegistrationConfig
) -> Problems:
    """Both or neither, and inside the country's box when the country file gives one."""
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        return [(missing, "give both latitude and longitude, or neither")]
    bounds = rules.bounds
    if latitude is None or longitude is None or bounds is None:
        return []
    problems: Problems = []
    if not bounds.min_latitude <= latitude <= bounds.max_latitude:
        problems.append(
            ("latitude", f"outside this country ({bounds.min_latitude} to {bounds.max_latitude})")
        )
    if not bounds.min_longitude <= longitude <= bounds.max_longitude:
        problems.append(
            (
                "longitude",
                f"outside this country ({bounds.min_longitude} to {bounds.max_longitude})",
            )
        )
    return problems


def check_extra_fields(values: dict[str, Any], rules: RegistrationConfig) -> Problems:
    asked = {str(field) for field in rules.extra_fields}
    return [
        (field, f"this country does not record {field} (see registration.extra_fields)")
        for field in ("rooms", "appliances")
        if values.get(field) is not None and field not in asked
    ]


def type_and_category(
    customer_type: CustomerType | None, category: Category | None
) -> tuple[CustomerType, Category]:
    """Either one gives the other: household/business/institution map one to one; productive
    use is billed as a business."""
    if customer_type is None and category is None:
        return CustomerType.HOUSEHOLD, Category.HOUSEHOLD
    if customer_type is None:
        assert category is not None
        return TYPE_OF_CATEGORY[category], category
    return customer_type, category or CATEGORY_OF_TYPE[customer_type]


def registration_values(
    data: CustomerCreate, *, country: str, rules: RegistrationConfig
) -> tuple[dict[str, Any], Problems]:
    """The customer's columns (site aside) from what was sent, and every problem found."""
    problems: Problems = []
    phones: dict[str, str | None] = {}
    for field in ("phone", "second_phone"):
        try:
            phones[field] = normalise_phone(getattr(data, field), country)
        except ValueError as error:
            problems.append((field, str(error)))
            phones[field] = None
    problems += check_position(data.latitude, data.longitude, rules)
    problems += check_extra_fields({"rooms": data.rooms, "appliances": data.appliances}, rules)
    customer_type, category = type_and_category(data.customer_type, data.category)
    values = {
        "first_name": data.first_name,
        "last_name": data.last_name,
        "phone": phones["phone"],
        "second_phone": phones["second_phone"],
        "national_id": data.national_id or None,
        "customer_type": customer_type,
        "category": category,
        "gender": data.gender,
        "latitude": _coordinate(data.latitude),
        "longitude": _coordinate(data.longitude),
        "village": data.village or None,
        "plot_number": data.plot_number or None,
        "rooms": data.rooms,
        "appliances": data.appliances,
        "language": data.language,
        "connected_at": data.connected_at,
    }
    return values, problems


def raise_problems(problems: Problems) -> None:
    if problems:
        raise InvalidInput(
            "; ".join(f"{field}: {message}" for field, message in problems),
            fields=[{"field": field, "message": message} for field, message in problems],
        )


def create_customer(
    *,
    session: Session,
    actor: str,
    country: str,
    data: CustomerCreate,
    rules: RegistrationConfig = NO_RULES,
) -> Registration:
    """Register a customer with their first account, audited, in one transaction."""
    site_code = _site_code(session, data.site_code)
    values, problems = registration_values(data, country=country, rules=rules)
    raise_problems(problems)
    customer = Customer(**values, site_code=site_code)
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
    *,
    session: Session,
    actor: str,
    country: str,
    account_number: str,
    data: CustomerUpdate,
    rules: RegistrationConfig = NO_RULES,
) -> Customer:
    customer, _ = get_customer_by_account(session=session, account_number=account_number, lock=True)
    changes = data.model_dump(exclude_unset=True)
    for field in NOT_NULLABLE_UPDATES & changes.keys():
        if changes[field] is None:
            raise InvalidInput.for_field(field, "may not be null")
    for field in ("phone", "second_phone"):
        if field in changes:
            changes[field] = _phone(changes[field], country, field)
    for field in ("national_id", "village", "plot_number"):
        if field in changes:
            changes[field] = changes[field] or None
    problems: Problems = []
    if "latitude" in changes or "longitude" in changes:
        latitude = changes.get("latitude", customer.latitude)
        longitude = changes.get("longitude", customer.longitude)
        problems += check_position(
            None if latitude is None else float(latitude),
            None if longitude is None else float(longitude),
            rules,
        )
        for field in ("latitude", "longitude"):
            if field in changes:
                changes[field] = _coordinate(changes[field])
    problems += check_extra_fields(changes, rules)
    raise_problems(problems)
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
