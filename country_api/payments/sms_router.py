"""The SMS endpoints that move money: the gateway's `/api/sms/incoming` (messages in, receipts
out) and staff allocating an inbox message to an account.

They keep their `/api/sms/…` paths and the `sms` tag; they live in payments because they run
`payments.flows`, and payments sits above sms (the inbox and templates stay in `sms/router.py`).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine

from country_api.auth import Staff, require
from country_api.deps import CountryDep, EngineDep, ParsersDep, ParserSource, SessionDep
from country_api.payments.flows import allocate_message, ingest_sms
from country_api.sms.gateway import GatewayKey, GatewayPost, read_gateway_post
from country_api.sms.models import AllocateRequest, IncomingSms
from country_api.sms.router import ERRORS
from gridcare.core.countries import CountryConfig
from gridcare.core.db import unit_of_work
from gridcare.core.inputs import StoredId, documented_body
from gridcare.core.observability import count_sms
from gridcare.core.roles import Permission

router = APIRouter(tags=["sms"], responses=ERRORS)
Allocator = Annotated[Staff, Depends(require(Permission.SMS_ALLOCATE))]


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
    engine: Engine, country: CountryConfig, chain: ParserSource, messages: list[IncomingSms]
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
