from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from country_api.auth import Reader, Staff, require
from country_api.deps import CountryDep, SessionDep
from country_api.payments import service
from country_api.payments.backlog import Backlog, outbox_backlog
from country_api.payments.flows import ingest_webhook
from country_api.payments.models import (
    Balance,
    CreditRetryAnswer,
    CreditRetryRequest,
    ManualPayment,
    PaymentPage,
    PaymentPublic,
    ReversalRequest,
    WebhookPayment,
)
from country_api.sms.gateway import WebhookCaller
from gridcare.core.inputs import Instant, Page, StoredId
from gridcare.core.roles import Permission

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid token or gateway key"},
    403: {"description": "the role may not do this"},
    404: {"description": "no such payment or account"},
    409: {"description": "already paid or already reversed"},
    422: {"description": "invalid input; the error names the field"},
}
router = APIRouter(tags=["payments"], responses=ERRORS)
PaymentWriter = Annotated[Staff, Depends(require(Permission.PAYMENTS_WRITE))]


@router.get("/api/payments")
def get_payments(
    session: SessionDep,
    staff: Reader,
    account_number: Annotated[str | None, Query(max_length=16)] = None,
    since: Instant | None = None,
    page: Page = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> PaymentPage:
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    return service.list_payments(
        session=session,
        account_number=account_number,
        since=since,
        page=page,
        page_size=page_size,
    )


@router.post("/api/payments/webhook")
def post_webhook(
    country: CountryDep, session: SessionDep, caller: WebhookCaller, data: WebhookPayment
) -> dict[str, Any]:
    """Structured payments from aggregators; same idempotency and outcomes as SMS."""
    result = ingest_webhook(session=session, country=country, payload=data)
    return result.public()


@router.post("/api/payments", status_code=201)
def post_payment(
    country: CountryDep, session: SessionDep, staff: PaymentWriter, data: ManualPayment
) -> PaymentPublic:
    return service.record_manual_payment(
        session=session,
        country=country,
        data=data,
        actor=staff.username,
    )


@router.get("/api/payments/outbox/backlog")
def get_outbox_backlog(session: SessionDep, staff: Reader) -> Backlog:
    """Meter credits waiting or dead in the outbox, and the oldest wait (the alarm's metric)."""
    return outbox_backlog(session=session)


@router.post("/api/payments/outbox/retry")
def retry_credits(
    session: SessionDep, staff: PaymentWriter, data: CreditRetryRequest
) -> CreditRetryAnswer:
    """Dead meter credits queued again for the worker (each revival audited)."""
    revived = service.retry_dead_credits(
        session=session, actor=staff.username, payment_ids=data.payment_ids
    )
    return CreditRetryAnswer(revived=revived)


@router.get("/api/payments/{payment_id}")
def get_payment(session: SessionDep, staff: Reader, payment_id: StoredId) -> PaymentPublic:
    return service.get_payment(session=session, payment_id=payment_id)


@router.post("/api/payments/{payment_id}/reverse", status_code=201)
def reverse(
    session: SessionDep, staff: PaymentWriter, payment_id: StoredId, data: ReversalRequest
) -> PaymentPublic:
    return service.record_reversal(
        session=session, payment_id=payment_id, reason=data.reason, actor=staff.username
    )


@router.get("/api/accounts/{account_number}/balance")
def get_balance(
    country: CountryDep, session: SessionDep, staff: Reader, account_number: str
) -> Balance:
    return service.account_balance(
        session=session,
        country=country,
        account_number=account_number,
    )
