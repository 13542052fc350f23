"""The SMS endpoints that move money: the gateway's `/api/sms/incoming` (messages in, receipts
out) and staff allocating an inbox message to an account.

They keep their `/api/sms/…` paths and the `sms` tag; they live in payments because they run
`payments.flows`, and payments sits above sms (the inbox and templates stay in `sms/router.py`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine

from country_api.auth import Staff, require
from country_api.deps import (
    ClockDep,
    CountryDep,
    EngineDep,
    ParsersDep,
    ParserSource,
    SessionDep,
)
from country_api.messages.service import ReportedStatus, apply_statuses, hand_over_to_gateway
from country_api.payments.flows import allocate_message, ingest_invalid_sms, ingest_sms
from country_api.sms.gateway import (
    GATEWAY_ERRORS,
    GatewayName,
    GatewayPost,
    GatewayPostBody,
    InvalidGatewayMessage,
    inflate,
    read_gateway_post,
)
from country_api.sms.models import AllocateRequest
from country_api.sms.router import ERRORS
from gridcare.core.clock import Clock
from gridcare.core.countries import CountryConfig
from gridcare.core.db import unit_of_work
from gridcare.core.inputs import StoredId, documented_body
from gridcare.core.observability import count_sms
from gridcare.core.roles import Permission

router = APIRouter(tags=["sms"], responses=ERRORS)
Allocator = Annotated[Staff, Depends(require(Permission.SMS_ALLOCATE))]


@router.get("/api/sms/incoming")
def gateway_handshake(gateway: GatewayName) -> dict[str, bool]:
    return {"medic-gateway": True}


@router.post(
    "/api/sms/incoming",
    openapi_extra=documented_body(GatewayPostBody),
    responses=GATEWAY_ERRORS,
)
async def gateway_incoming(
    request: Request,
    gateway: GatewayName,
    engine: EngineDep,
    country: CountryDep,
    parsers: ParsersDep,
    clock: ClockDep,
) -> dict[str, Any]:
    """cht-gateway messages and delivery updates in; the SMS for it to send out (every one not
    yet given a status, oldest first) and each message's outcome."""
    raw = inflate(await request.body(), request.headers.get("content-encoding"))
    post = read_gateway_post(raw)
    return await run_in_threadpool(_handle_post, engine, country, parsers, clock, post, gateway)


def _handle_post(
    engine: Engine,
    country: CountryConfig,
    chain: ParserSource,
    clock: Clock,
    post: GatewayPost,
    gateway: str,
) -> dict[str, Any]:
    """Updates first (a delivered SMS is not offered again), then each message in its own unit
    of work, then the outbound SMS, all on one connection."""
    results: list[dict[str, Any]] = []
    reported = [ReportedStatus(u.id, u.status, u.reason) for u in post.updates]
    with engine.connect() as connection:
        if reported:
            with unit_of_work(connection) as session:
                apply_statuses(session=session, reported=reported, now=clock())
        for item in post.messages:
            with unit_of_work(connection) as session:
                if isinstance(item, InvalidGatewayMessage):
                    result = ingest_invalid_sms(
                        session=session, country=country, sms=item.sms, reason=item.reason
                    )
                else:
                    result = ingest_sms(
                        session=session, country=country, parsers=chain.parsers(session), sms=item
                    )
            count_sms(result.outcome)
            results.append(result.public())
        with unit_of_work(connection) as session:
            replies = hand_over_to_gateway(session=session, gateway=gateway, now=clock())
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
