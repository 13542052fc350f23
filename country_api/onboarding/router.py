"""Onboarding: steps and stage of an account, the per-site pipeline, commissioning, payments
waiting for the account, supply contracts."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from country_api.auth import Reader, Staff, require
from country_api.customers.router import customer_detail
from country_api.customers.schemas import CustomerDetail
from country_api.customers.service import get_account, get_customer_by_account
from country_api.deps import ClockDep, CountryDep, SessionDep
from country_api.meters.assignments import open_meters_by_account
from country_api.onboarding import commissioning, contracts, service, waiting
from country_api.onboarding.schemas import (
    CommissionPublic,
    CommissionRequest,
    DeactivateRequest,
    MeterChoice,
    OnboardingPublic,
    PipelineAccount,
    PipelineAccounts,
    PipelinePublic,
    StaffStep,
    StageSummary,
    StepPublic,
    WaitingPayment,
)
from country_api.sites.models import Site
from gridcare.core.errors import InvalidInput
from gridcare.core.inputs import StoredId
from gridcare.core.roles import Permission

router = APIRouter(tags=["onboarding"])

OnM = Annotated[Staff, Depends(require(Permission.METERS_WRITE))]
Agent = Annotated[Staff, Depends(require(Permission.CUSTOMERS_WRITE))]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid token"},
    403: {"description": "the role may not do this"},
    404: {"description": "no such account"},
    409: {"description": "conflicts with the account's state or meters"},
    422: {"description": "invalid input; the error names the field"},
}
PDF: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {"content": {"application/pdf": {}}, "description": "the contract"},
}
ACCOUNT = "/api/customers/{account_number}"


def _public(progress: service.Progress) -> OnboardingPublic:
    return OnboardingPublic(
        account_number=progress.account.account_number,
        stage=progress.stage,
        since=progress.since,
        steps=[StepPublic(step=s.step, done=s.done, at=s.at, by=s.by) for s in progress.steps],
    )


@router.post(f"{ACCOUNT}/deactivate", response_model=CustomerDetail, responses=ERRORS)
def deactivate_customer(
    account_number: str,
    session: SessionDep,
    staff: Agent,
    body: DeactivateRequest | None = None,
) -> CustomerDetail:
    """Close the customer's accounts; `meters` says whether their meters are decommissioned or
    kept (unassigned) for a new customer: required when the customer has meters. Served here
    (above customers and meters) under the customers' URL."""
    customer, account = get_customer_by_account(session=session, account_number=account_number)
    if body is None:
        if open_meters_by_account(session=session, account_ids=[account.id or 0]):
            raise InvalidInput.for_field(
                "meters", "the customer has meters: choose 'decommission' or 'keep'"
            )
        body = DeactivateRequest(meters=MeterChoice.KEEP)
    customer = commissioning.deactivate(
        session=session, actor=staff.username, account=account, data=body
    )
    return customer_detail(session, customer)


@router.get(f"{ACCOUNT}/onboarding", response_model=OnboardingPublic, responses=ERRORS)
def onboarding(
    account_number: str, session: SessionDep, staff: Reader, country: CountryDep
) -> OnboardingPublic:
    account = get_account(session=session, account_number=account_number)
    [progress] = service.progress_of(session=session, country=country, accounts=[account])
    return _public(progress)


@router.post(f"{ACCOUNT}/onboarding/steps", response_model=OnboardingPublic, responses=ERRORS)
def mark_step(
    account_number: str, body: StaffStep, session: SessionDep, staff: OnM, country: CountryDep
) -> OnboardingPublic:
    """Mark `installed`, `active` or `disconnected` (who and when are recorded)."""
    account = get_account(session=session, account_number=account_number)
    service.staff_step(
        session=session,
        country=country,
        actor=staff.username,
        account=account,
        step=body.step,
        note=body.note,
    )
    [progress] = service.progress_of(session=session, country=country, accounts=[account])
    return _public(progress)


@router.post(f"{ACCOUNT}/commission", response_model=CommissionPublic, responses=ERRORS)
def commission(
    account_number: str,
    body: CommissionRequest,
    session: SessionDep,
    staff: OnM,
    country: CountryDep,
) -> CommissionPublic:
    """Assign the primary meter, set the connection date and mark the account commissioned,
    in one transaction; queue the customer on the site's platform when it keeps a list."""
    account = get_account(session=session, account_number=account_number)
    record, queued = commissioning.commission(
        session=session, country=country, actor=staff.username, account=account, data=body
    )
    [progress] = service.progress_of(session=session, country=country, accounts=[account])
    return CommissionPublic(
        account_number=account.account_number,
        meter_id=body.meter_id,
        connected_on=record.connected_on,
        stage=progress.stage,
        platform_customer=queued,
    )


@router.get(f"{ACCOUNT}/waiting-payments", response_model=list[WaitingPayment], responses=ERRORS)
def waiting_payments(
    account_number: str, session: SessionDep, staff: Reader, country: CountryDep
) -> list[WaitingPayment]:
    """Unmatched payments from the customer's phone, offered to the agent to allocate."""
    customer, _ = get_customer_by_account(session=session, account_number=account_number)
    return waiting.waiting_by_phone(session=session, country=country, customer=customer)


def _site(session: SessionDep, site: str) -> str:
    code = site.strip().upper()
    if session.get(Site, code) is None:
        raise InvalidInput.for_field("site", f"unknown site {code!r} in this country")
    return code


def _days(since: dt.datetime, now: dt.datetime) -> int:
    return max(0, (now - since).days)


@router.get("/api/onboarding/pipeline", response_model=PipelinePublic, responses=ERRORS)
def pipeline(
    session: SessionDep,
    staff: Reader,
    country: CountryDep,
    clock: ClockDep,
    site: Annotated[str, Query(min_length=1, max_length=3)],
) -> PipelinePublic:
    """How many of the site's accounts sit at each step, and for how long."""
    code = _site(session, site)
    now = clock()
    summaries = []
    for stage, items in service.pipeline(session=session, country=country, site_code=code, now=now):
        days = [_days(p.since, now) for p in items]
        summaries.append(
            StageSummary(
                stage=stage,
                count=len(items),
                oldest_since=items[0].since if items else None,
                longest_days=max(days) if days else None,
                median_days=int(statistics.median(days)) if days else None,
            )
        )
    return PipelinePublic(site_code=code, stages=summaries)


@router.get("/api/onboarding/pipeline/accounts", response_model=PipelineAccounts, responses=ERRORS)
def pipeline_accounts(
    session: SessionDep,
    staff: Reader,
    country: CountryDep,
    clock: ClockDep,
    site: Annotated[str, Query(min_length=1, max_length=3)],
    stage: Annotated[str, Query(min_length=1, max_length=30)],
) -> PipelineAccounts:
    """The site's accounts sitting at `stage`, longest waiting first."""
    code = _site(session, site)
    if stage not in service.stages(country):
        names = ", ".join(service.stages(country))
        raise InvalidInput.for_field("stage", f"{stage!r} is not one of {names}")
    now = clock()
    grouped = dict(service.pipeline(session=session, country=country, site_code=code, now=now))
    items = []
    for progress in grouped.get(stage, []):
        customer, _ = get_customer_by_account(
            session=session, account_number=progress.account.account_number
        )
        items.append(
            PipelineAccount(
                account_number=progress.account.account_number,
                name=f"{customer.first_name} {customer.last_name}".strip(),
                phone=customer.phone,
                since=progress.since,
                days=_days(progress.since, now),
            )
        )
    return PipelineAccounts(site_code=code, stage=stage, items=items)


class SignRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: str | None = Field(default=None, max_length=5)
    signature: str = Field(min_length=20, max_length=800_000)
    """The canvas drawing as `data:image/png;base64,…`."""
    signer_name: str | None = Field(default=None, max_length=200)


class ContractPublic(BaseModel):
    id: int
    account_number: str
    language: str
    signer_name: str
    witnessed_by: str
    signed_at: dt.datetime
    sha256: str
    size: int


def _contract_public(contract: Any, account_number: str) -> ContractPublic:
    return ContractPublic(
        id=contract.id,
        account_number=account_number,
        language=contract.language,
        signer_name=contract.signer_name,
        witnessed_by=contract.witnessed_by,
        signed_at=contract.signed_at,
        sha256=contract.sha256,
        size=len(contract.pdf),
    )


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(f"{ACCOUNT}/contract.pdf", response_class=Response, responses=PDF)
def contract_pdf(
    account_number: str,
    session: SessionDep,
    staff: Reader,
    country: CountryDep,
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> Response:
    """The supply contract in `lang`: the latest signed one in that language, else unsigned."""
    customer, account = get_customer_by_account(session=session, account_number=account_number)
    language = contracts.check_language(country, lang)
    signed = [
        c
        for c in contracts.contracts_of(session=session, account=account)
        if c.language == language
    ]
    if signed:
        content = signed[0].pdf
    else:
        content = contracts.render(
            session=session, country=country, account=account, customer=customer, lang=language
        )
    return _pdf(content, f"contract-{account.account_number}-{language}.pdf")


@router.post(
    f"{ACCOUNT}/contracts", status_code=201, response_model=ContractPublic, responses=ERRORS
)
def sign_contract(
    account_number: str, body: SignRequest, session: SessionDep, staff: Agent, country: CountryDep
) -> ContractPublic:
    """Keep the contract signed on the agent's screen; the agent is the witness."""
    account = get_account(session=session, account_number=account_number)
    contract = contracts.sign(
        session=session,
        country=country,
        account=account,
        actor=staff.username,
        lang=body.lang,
        signature_data=body.signature,
        signer_name=body.signer_name,
    )
    return _contract_public(contract, account.account_number)


@router.get(f"{ACCOUNT}/contracts", response_model=list[ContractPublic], responses=ERRORS)
def list_contracts(account_number: str, session: SessionDep, staff: Reader) -> list[ContractPublic]:
    account = get_account(session=session, account_number=account_number)
    return [
        _contract_public(c, account.account_number)
        for c in contracts.contracts_of(session=session, account=account)
    ]


@router.get(f"{ACCOUNT}/contracts/{{contract_id}}.pdf", response_class=Response, responses=PDF)
def signed_contract_pdf(
    account_number: str, contract_id: StoredId, session: SessionDep, staff: Reader
) -> Response:
    """A signed contract, byte for byte as it was signed."""
    account = get_account(session=session, account_number=account_number)
    contract = contracts.get_contract(session=session, account=account, contract_id=contract_id)
    return _pdf(contract.pdf, f"contract-{account.account_number}-{contract.id}.pdf")
