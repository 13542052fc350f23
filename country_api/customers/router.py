from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlmodel import Session

from country_api.auth import Reader, Staff, require
from country_api.customers import search, service
from country_api.customers.models import Account, Customer
from country_api.customers.schemas import (
    MAX_PAGE_SIZE,
    AccountMeter,
    AccountPublic,
    CustomerCreate,
    CustomerDetail,
    CustomerPage,
    CustomerSummary,
    CustomerUpdate,
)
from country_api.deps import SessionDep, SettingsDep
from country_api.meters.assignments import open_meters_by_account
from gridcare.core.inputs import Page
from gridcare.core.roles import Permission

router = APIRouter(prefix="/api/customers", tags=["customers"])

Writer = Annotated[Staff, Depends(require(Permission.CUSTOMERS_WRITE))]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid token"},
    403: {"description": "the role may not do this"},
    404: {"description": "no such account"},
    422: {"description": "invalid input; the error names the field"},
}


def country_code(settings: SettingsDep) -> str:
    return settings.code


Country = Annotated[str, Depends(country_code)]


def customer_detail(session: Session, customer: Customer) -> CustomerDetail:
    accounts: list[Account] = service.accounts_of(session=session, customer_id=customer.id or 0)
    meters = open_meters_by_account(
        session=session, account_ids=[a.id for a in accounts if a.id is not None]
    )
    public_accounts = [
        AccountPublic(
            account_number=account.account_number,
            site_code=account.site_code,
            opened_at=account.opened_at,
            closed_at=account.closed_at,
            meters=[AccountMeter(**meter) for meter in meters.get(account.id or 0, [])],
        )
        for account in accounts
    ]
    open_numbers = [a.account_number for a in accounts if a.closed_at is None]
    return CustomerDetail(
        **customer.model_dump(),
        account_numbers=[a.account_number for a in accounts],
        account_number=open_numbers[0] if open_numbers else None,
        accounts=public_accounts,
    )


@router.get("", response_model=CustomerPage, responses=ERRORS)
def list_customers(
    session: SessionDep,
    staff: Reader,
    q: Annotated[str | None, Query(max_length=100)] = None,
    site: Annotated[str | None, Query(max_length=10)] = None,
    page: Page = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> CustomerPage:
    found = search.search_customers(session=session, q=q, site=site, page=page, page_size=page_size)
    return CustomerPage(
        items=[CustomerSummary(**row) for row in found.rows],
        total=found.total,
        page=page,
        page_size=page_size,
    )


@router.post("", status_code=201, response_model=CustomerDetail, responses=ERRORS)
def create_customer(
    data: CustomerCreate, session: SessionDep, staff: Writer, country: Country
) -> CustomerDetail:
    registration = service.create_customer(
        session=session, actor=staff.username, country=country, data=data
    )
    return customer_detail(session, registration.customer)


@router.get("/{account_number}", response_model=CustomerDetail, responses=ERRORS)
def get_customer(account_number: str, session: SessionDep, staff: Reader) -> CustomerDetail:
    customer, _ = service.get_customer_by_account(session=session, account_number=account_number)
    return customer_detail(session, customer)


@router.patch("/{account_number}", response_model=CustomerDetail, responses=ERRORS)
def update_customer(
    account_number: str,
    data: CustomerUpdate,
    session: SessionDep,
    staff: Writer,
    country: Country,
) -> CustomerDetail:
    customer = service.update_customer(
        session=session,
        actor=staff.username,
        country=country,
        account_number=account_number,
        data=data,
    )
    return customer_detail(session, customer)


@router.post("/{account_number}/deactivate", response_model=CustomerDetail, responses=ERRORS)
def deactivate_customer(account_number: str, session: SessionDep, staff: Writer) -> CustomerDetail:
    customer = service.deactivate_customer(
        session=session, actor=staff.username, account_number=account_number
    )
    return customer_detail(session, customer)
