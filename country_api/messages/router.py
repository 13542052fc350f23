"""Outbound messages: the messages page and a customer's messages; retrying a failed one."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from country_api.auth import Reader, Staff, require
from country_api.deps import ClockDep, SessionDep
from country_api.messages import service
from country_api.messages.models import MessageKind, MessagePage, MessagePublic, MessageStatus
from gridcare.core.errors import InvalidInput
from gridcare.core.roles import Permission

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid token"},
    403: {"description": "the role may not do this"},
    404: {"description": "no such message"},
    409: {"description": "only a failed message can be retried"},
    422: {"description": "invalid input; the error names the field"},
}
router = APIRouter(tags=["messages"], responses=ERRORS)
Retrier = Annotated[Staff, Depends(require(Permission.SMS_ALLOCATE))]


@router.get("/api/messages")
def get_messages(
    session: SessionDep,
    staff: Reader,
    phone: str | None = None,
    account_number: str | None = None,
    customer_id: int | None = None,
    kind: Annotated[list[str] | None, Query(description="MessageKind; repeat for several")] = None,
    status: Annotated[
        list[str] | None, Query(description="MessageStatus; repeat for several")
    ] = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> MessagePage:
    """Newest first; `since`/`until` bound the time the message was queued. An empty filter
    (`?kind=&status=`) filters nothing."""
    return service.list_messages(
        session=session,
        phone=phone,
        account_number=account_number,
        customer_id=customer_id,
        kinds=_choices("kind", kind, MessageKind),
        statuses=_choices("status", status, MessageStatus),
        since=since,
        until=until,
        page=page,
        page_size=page_size,
    )


@router.post("/api/messages/{message_id}/retry")
def retry(session: SessionDep, clock: ClockDep, staff: Retrier, message_id: int) -> MessagePublic:
    message = service.retry_message(
        session=session, message_id=message_id, actor=staff.username, now=clock()
    )
    return service.public(message)


def _choices(name: str, given: list[str] | None, allowed: type[StrEnum]) -> list[str]:
    values = [value for value in given or [] if value]
    known = {member.value for member in allowed}
    for value in values:
        if value not in known:
            raise InvalidInput.for_field(
                name, f"{value!r} is not one of {', '.join(sorted(known))}"
            )
    return values
