from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine

from country_api.auth import Reader, Staff, require
from country_api.deps import CountryDep, EngineDep, ParsersDep, SessionDep
from country_api.payments.flows import allocate_message, ingest_sms
from country_api.payments.parsers import ParserChain
from country_api.payments.settlement import IncomingSms
from country_api.sms import service
from country_api.sms.gateway import GatewayKey, GatewayPost, read_gateway_post
from country_api.sms.models import (
    AllocateRequest,
    InboxPage,
    Outcome,
    SmsTemplateCreate,
    SmsTemplatePublic,
    SmsTemplateUpdate,
)
from gridcare.core.countries import CountryConfig
from gridcare.core.db import unit_of_work
from gridcare.core.inputs import Page, StoredId, documented_body
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


@router.get("/api/sms/incoming")
def gateway_handshake(key: GatewayKey) -> dict[str, bool]:
    return {"medic-gateway": True}


@router.post("/api/sms/incoming", openapi_extra=documented_body(GatewayPost))
async def gateway_incoming(
    request: Request, key: GatewayKey, engine: EngineDep, country: CountryDep, parsers: ParsersDep
) -> dict[str, Any]:
    """Medic Gateway messages in; receipts to send and each message's outcome out."""
    post = read_gateway_post(await request.body())
    messages = [message.incoming() for message in post.messages]
    return await run_in_threadpool(_ingest_all, engine, country, parsers, messages)


def _ingest_all(
    engine: Engine, country: CountryConfig, chain: ParserChain, messages: list[IncomingSms]
) -> dict[str, Any]:
    """Each message in its own unit of work, on one connection for the whole post."""
    replies: list[dict[str, str]] = []
    results: list[dict[str, Any]] = []
    with engine.connect() as connection:
        for sms in messages:
            with unit_of_work(connection) as session:
                result = ingest_sms(
                    session=session, country=country, parsers=chain.parsers(session), sms=sms
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


@router.get("/api/sms/inbox")
def get_inbox(
    session: SessionDep,
    staff: Reader,
    outcome: Outcome | None = None,
    page: Page = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> InboxPage:
    return service.list_inbox(session=session, outcome=outcome, page=page, page_size=page_size)


@router.post("/api/sms/inbox/{message_id}/allocate")
def allocate(
    country: CountryDep,
    session: SessionDep,
    staff: Allocator,
    message_id: StoredId,
    data: AllocateRequest,
) -> dict[str, Any]:
    result = allocate_message(
        session=session,
        country=country,
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
    parsers: ParsersDep, session: SessionDep, staff: TemplateWriter, data: SmsTemplateCreate
) -> SmsTemplatePublic:
    template = service.create_template(session=session, data=data, actor=staff.username)
    parsers.templates_changed()
    return SmsTemplatePublic.model_validate(template.model_dump())


@router.patch("/api/sms/templates/{template_id}")
def patch_template(
    parsers: ParsersDep,
    session: SessionDep,
    staff: TemplateWriter,
    template_id: StoredId,
    data: SmsTemplateUpdate,
) -> SmsTemplatePublic:
    template = service.update_template(
        session=session, template_id=template_id, data=data, actor=staff.username
    )
    parsers.templates_changed()
    return SmsTemplatePublic.model_validate(template.model_dump())
