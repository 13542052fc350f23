from __future__ import annotations

import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from country_api.auth import Reader, Staff, require
from country_api.db import SessionDep
from country_api.payments.flows import allocate_message, ingest_sms
from country_api.payments.parsing import configured_parsers, template_parsers
from country_api.payments.settlement import IngestResult
from country_api.plugins.payments.protocol import PaymentParser
from country_api.sms import service
from country_api.sms.gateway import GatewayKey, read_gateway_post
from country_api.sms.models import (
    AllocateRequest,
    InboxPage,
    Outcome,
    SmsTemplateCreate,
    SmsTemplatePublic,
    SmsTemplateUpdate,
)
from gridcare.core.observability import count_sms
from gridcare.core.roles import Permission

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "the gateway's body is not valid; the error says why"},
    401: {"description": "no valid token or gateway key"},
    403: {"description": "the role may not do this"},
    404: {"description": "no such message or template"},
    409: {"description": "the message cannot be allocated (again)"},
    422: {"description": "invalid input; the error names the field"},
}
router = APIRouter(tags=["sms"], responses=ERRORS)
Allocator = Annotated[Staff, Depends(require(Permission.SMS_ALLOCATE))]
TemplateWriter = Annotated[Staff, Depends(require(Permission.PAYMENTS_WRITE))]
TEMPLATE_TTL_SECONDS = 5.0


@router.get("/api/sms/incoming")
def gateway_handshake(key: GatewayKey) -> dict[str, bool]:
    return {"medic-gateway": True}


@router.post("/api/sms/incoming")
async def gateway_incoming(request: Request, key: GatewayKey) -> dict[str, Any]:
    """Medic Gateway messages in; receipts to send and each message's outcome out."""
    post = read_gateway_post(await request.body())
    return await run_in_threadpool(_ingest_all, request, [m.incoming() for m in post.messages])


def _ingest_all(request: Request, messages: list[Any]) -> dict[str, Any]:
    country = request.app.state.settings.country
    replies: list[dict[str, str]] = []
    results: list[dict[str, Any]] = []
    # One connection for the whole batch: commits per message, no pool round trips between.
    with (
        request.app.state.engine.connect() as connection,
        Session(bind=connection, expire_on_commit=False) as session,
    ):
        parsers = parsers_for(request, session)
        for sms in messages:
            result: IngestResult = ingest_sms(
                session=session, country=country, parsers=parsers, sms=sms
            )
            count_sms(result.outcome)
            results.append(result.public())
            if result.receipt and result.receipt_to:
                replies.append(
                    {
                        "id": str(uuid.uuid4()),
                        "to": f"+{result.receipt_to}",
                        "content": result.receipt,
                    }
                )
    return {"messages": replies, "results": results}


def parsers_for(request: Request, session: Session) -> list[PaymentParser]:
    """Stored operator templates, then the country's parser plugins (built once per app).

    Templates are re-read at most every `TEMPLATE_TTL_SECONDS` (and at once after a change made
    through this process), so other API copies see a change within seconds.
    """
    state = request.app.state
    country = state.settings.country
    if getattr(state, "payment_parsers", None) is None:
        state.payment_parsers = configured_parsers(country)
    cached = getattr(state, "template_parsers", None)
    if cached is None or cached[0] < time.monotonic():
        templates = template_parsers(service.active_templates(session=session), country)
        cached = (time.monotonic() + TEMPLATE_TTL_SECONDS, templates)
        state.template_parsers = cached
    return [*cached[1], *state.payment_parsers]


@router.get("/api/sms/inbox")
def get_inbox(
    session: SessionDep,
    staff: Reader,
    outcome: Outcome | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> InboxPage:
    return service.list_inbox(session=session, outcome=outcome, page=page, page_size=page_size)


@router.post("/api/sms/inbox/{message_id}/allocate")
def allocate(
    request: Request,
    session: SessionDep,
    staff: Allocator,
    message_id: int,
    data: AllocateRequest,
) -> dict[str, Any]:
    result = allocate_message(
        session=session,
        country=request.app.state.settings.country,
        message_id=message_id,
        account_number=data.account_number,
        actor=staff.username,
    )
    return result.public()


@router.get("/api/sms/templates")
def get_templates(session: SessionDep, staff: Reader) -> list[SmsTemplatePublic]:
    return [
        SmsTemplatePublic.model_validate(t.model_dump())
        for t in service.list_templates(session=session)
    ]


@router.post("/api/sms/templates", status_code=201)
def post_template(
    request: Request, session: SessionDep, staff: TemplateWriter, data: SmsTemplateCreate
) -> SmsTemplatePublic:
    template = service.create_template(session=session, data=data, actor=staff.username)
    request.app.state.template_parsers = None
    return SmsTemplatePublic.model_validate(template.model_dump())


@router.patch("/api/sms/templates/{template_id}")
def patch_template(
    request: Request,
    session: SessionDep,
    staff: TemplateWriter,
    template_id: int,
    data: SmsTemplateUpdate,
) -> SmsTemplatePublic:
    template = service.update_template(
        session=session, template_id=template_id, data=data, actor=staff.username
    )
    request.app.state.template_parsers = None
    return SmsTemplatePublic.model_validate(template.model_dump())
