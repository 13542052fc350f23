from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response
from sqlmodel import Session, select

from country_api.auth import Reader, Staff, require
from country_api.customers import bulk_import, registration_hooks, search, service, sheets
from country_api.customers.account_meters import open_meters_by_account
from country_api.customers.duplicates import find_duplicates
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
    DuplicateAnswer,
    DuplicateQuery,
    ImportReport,
)
from country_api.deps import CountryDep, SessionDep, SettingsDep
from country_api.sites.models import Site
from gridcare.core.inputs import Page
from gridcare.core.phones import normalise_phone
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


def _phones(country: str, *raw: str | None) -> list[str | None]:
    phones: list[str | None] = []
    for value in raw:
        try:
            phones.append(normalise_phone(value, country))
        except ValueError:
            phones.append(None)  # checked when saving; a typo finds no duplicate
    return phones


@router.post("", status_code=201, response_model=CustomerDetail, responses=ERRORS)
def create_customer(
    data: CustomerCreate, session: SessionDep, staff: Writer, country: CountryDep
) -> CustomerDetail:
    """Register a customer and open their first account (`account_number`). Possible duplicates
    at any site are returned as `warnings` (check first with `POST /api/customers/duplicates`).
    Unmatched payments whose remark named this new account number attach to it (audited); ones
    matching only by phone are offered on the customer's page instead."""
    registration = service.create_customer(
        session=session,
        actor=staff.username,
        country=country.code,
        data=data,
        rules=country.registration,
    )
    registration_hooks.after_registration(
        session=session, country=country, account=registration.account, actor=staff.username
    )
    customer = registration.customer
    warnings = find_duplicates(
        session=session,
        first_name=customer.first_name,
        last_name=customer.last_name,
        phones=[customer.phone, customer.second_phone],
        national_id=customer.national_id,
        exclude_id=customer.id,
    )
    return customer_detail(session, customer).model_copy(update={"warnings": warnings})


@router.post("/duplicates", response_model=DuplicateAnswer, responses=ERRORS)
def check_duplicates(
    data: DuplicateQuery, session: SessionDep, staff: Reader, country: Country
) -> DuplicateAnswer:
    """Customers at any site who may be this person: the same national id, or the same phone
    with a similar name. Nothing is saved."""
    matches = find_duplicates(
        session=session,
        first_name=data.first_name,
        last_name=data.last_name,
        phones=_phones(country, data.phone, data.second_phone),
        national_id=data.national_id,
    )
    return DuplicateAnswer(matches=matches)


IMPORT_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    413: {"description": "the file is too large or has too many rows"},
    422: {"description": "the file cannot be read (extension, encoding, header); names `file`"},
}


@router.post("/import", response_model=ImportReport, responses=IMPORT_ERRORS)
async def import_customers(
    session: SessionDep,
    staff: Writer,
    country: CountryDep,
    file: Annotated[UploadFile, File(description="a .csv or .xlsx sheet, header in row 1")],
    dry_run: bool = True,
    partial: bool = False,
) -> ImportReport:
    """Check (`dry_run=true`, the default) or import a spreadsheet of customers.

    Every row is checked like a registration; the report lists problems by spreadsheet row and
    field. An import is all-or-nothing unless `partial=true` (then the valid rows are imported).
    Rows imported before (the same person at the same site) are `skipped`, never created twice.
    """
    content = await file.read(sheets.MAX_BYTES + 1)
    return bulk_import.import_customers(
        session=session,
        actor=staff.username,
        country=country.code,
        rules=country.registration,
        filename=file.filename or "",
        content=content,
        dry_run=dry_run,
        partial=partial,
    )


@router.get(
    "/import/template",
    responses={200: {"content": {"text/csv": {}, sheets.XLSX: {}}}, **ERRORS},
    response_class=Response,
)
def import_template(
    session: SessionDep,
    staff: Reader,
    country: CountryDep,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "xlsx",
) -> Response:
    """The sheet to fill: the header (with this country's extra fields), help and the sites."""
    name = f"customers-{country.slug}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        body = sheets.template_csv(country.registration)
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    sites = list(session.exec(select(Site).order_by(Site.code)))
    body = sheets.template_xlsx(country.registration, sites)
    return Response(body, media_type=sheets.XLSX, headers=headers)


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
    country: CountryDep,
) -> CustomerDetail:
    customer = service.update_customer(
        session=session,
        actor=staff.username,
        country=country.code,
        account_number=account_number,
        data=data,
        rules=country.registration,
    )
    return customer_detail(session, customer)
