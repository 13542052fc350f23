"""Queue outbound messages, hand them to the SMS gateway app, apply the statuses it reports,
list them and retry a failed one. Functions flush; the caller's unit of work commits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from country_api.audit.service import record_mutation
from country_api.messages.models import (
    RANK,
    MessageKind,
    MessagePage,
    MessagePublic,
    MessageStatus,
    MessageStatusEvent,
    OutboundMessage,
)
from gridcare.core.errors import Conflict, NotFound

GATEWAY_BATCH = 50
"""Outbound SMS per gateway answer, oldest first (the app stores them and sends at its pace)."""
GATEWAY_STATUS = {
    "PENDING": MessageStatus.PENDING,
    "SENT": MessageStatus.SENT,
    "DELIVERED": MessageStatus.DELIVERED,
    "FAILED": MessageStatus.FAILED,
}
TIME_OF = {
    MessageStatus.SENT: "sent_at",
    MessageStatus.DELIVERED: "delivered_at",
    MessageStatus.FAILED: "failed_at",
}


@dataclass(frozen=True)
class ReportedStatus:
    gateway_id: str
    status: str
    """The app's word: PENDING, SENT, DELIVERED or FAILED."""
    reason: str | None = None


def international(phone: str) -> str:
    """`+` and the digits of a stored phone (`26650000009` → `+26650000009`)."""
    return "+" + "".join(ch for ch in phone if ch.isdigit())


def queue_message(
    *,
    session: Session,
    to: str,
    content: str,
    kind: MessageKind,
    language: str | None = None,
    account_id: int | None = None,
    account_number: str | None = None,
    customer_id: int | None = None,
    payment_id: int | None = None,
) -> OutboundMessage:
    message = OutboundMessage(
        gateway_id=str(uuid.uuid4()),
        recipient=international(to),
        content=content,
        kind=kind,
        language=language,
        account_id=account_id,
        account_number=account_number,
        customer_id=customer_id,
        payment_id=payment_id,
    )
    session.add(message)
    session.flush()
    return message


def hand_over_to_gateway(
    *, session: Session, gateway: str, now: dt.datetime, limit: int = GATEWAY_BATCH
) -> list[dict[str, str]]:
    """The oldest SMS without a reported status, as the answer's `messages`; marked handed over
    to this `gateway` (phone).

    Offered again in every answer to the same phone until it reports a status: an answer lost
    on the way loses nothing, and the app ignores an id it already has. A message handed to one
    phone is not offered to another (both would send it)."""
    offered = or_(
        col(OutboundMessage.status) == MessageStatus.QUEUED,
        (col(OutboundMessage.status) == MessageStatus.HANDED_OVER)
        & (col(OutboundMessage.gateway) == gateway),
    )
    rows = session.exec(
        select(OutboundMessage)
        .where(col(OutboundMessage.channel) == "sms", offered)
        .order_by(col(OutboundMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        if row.status == MessageStatus.QUEUED:
            row.status, row.handed_over_at, row.updated_at = MessageStatus.HANDED_OVER, now, now
            row.gateway = gateway
    session.flush()
    return [{"id": row.gateway_id, "to": row.recipient, "content": row.content} for row in rows]


def apply_statuses(
    *, session: Session, reported: Iterable[ReportedStatus], now: dt.datetime
) -> int:
    """Apply the app's `updates`, idempotently: each is recorded; it moves its message only
    forward (a repeat or a late PENDING after DELIVERED changes nothing). Unknown ids are
    recorded and ignored. The number applied."""
    applied = 0
    for update in reported:
        message = session.exec(
            select(OutboundMessage)
            .where(col(OutboundMessage.gateway_id) == update.gateway_id)
            .with_for_update()
        ).first()
        status = GATEWAY_STATUS[update.status]
        moves = message is not None and RANK[status] > RANK[MessageStatus(message.status)]
        if message is not None and moves:
            message.status = status
            message.updated_at = now
            if status in TIME_OF:
                setattr(message, TIME_OF[status], now)
            if status == MessageStatus.FAILED:
                message.reason = update.reason or "failed (no reason given)"
            applied += 1
        session.add(
            MessageStatusEvent(
                gateway_id=update.gateway_id,
                message_id=message.id if message is not None else None,
                status=status,
                reason=update.reason,
                applied=moves,
            )
        )
    session.flush()
    return applied


def retry_message(
    *, session: Session, message_id: int, actor: str, now: dt.datetime
) -> OutboundMessage:
    """Queue a failed message again under a new gateway id (the app ignores an id it has
    seen), audited."""
    message = session.get(OutboundMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound(f"no message {message_id}")
    if message.status != MessageStatus.FAILED:
        raise Conflict(f"message {message_id} is {message.status}: only failed ones are retried")
    before = {"status": message.status, "reason": message.reason, "gateway_id": message.gateway_id}
    message.gateway_id = str(uuid.uuid4())
    message.status, message.reason, message.updated_at = MessageStatus.QUEUED, None, now
    message.attempts += 1
    message.handed_over_at = message.sent_at = message.failed_at = None
    message.gateway = None
    session.flush()
    record_mutation(
        session=session,
        actor=actor,
        action="update",
        table="outbound_messages",
        record_id=message_id,
        old=before,
        new={
            "status": message.status,
            "gateway_id": message.gateway_id,
            "attempts": message.attempts,
        },
    )
    return message


def list_messages(
    *,
    session: Session,
    phone: str | None = None,
    account_number: str | None = None,
    customer_id: int | None = None,
    kinds: Sequence[str] = (),
    statuses: Sequence[str] = (),
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    page: int = 1,
    page_size: int = 50,
) -> MessagePage:
    conditions = []
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits:
        conditions.append(col(OutboundMessage.recipient).contains(digits))
    if account_number:
        number = account_number.replace(" ", "").upper()
        conditions.append(col(OutboundMessage.account_number) == number)
    if customer_id is not None:  # sent to the customer (a payer's copy is not theirs)
        conditions.append(col(OutboundMessage.customer_id) == customer_id)
    if kinds:
        conditions.append(col(OutboundMessage.kind).in_(kinds))
    if statuses:
        conditions.append(col(OutboundMessage.status).in_(statuses))
    if since is not None:
        conditions.append(col(OutboundMessage.created_at) >= since)
    if until is not None:
        conditions.append(col(OutboundMessage.created_at) < until)
    total = session.exec(select(func.count()).select_from(OutboundMessage).where(*conditions)).one()
    rows = session.exec(
        select(OutboundMessage)
        .where(*conditions)
        .order_by(col(OutboundMessage.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return MessagePage(items=[public(row) for row in rows], total=int(total))


def public(row: OutboundMessage) -> MessagePublic:
    return MessagePublic.model_validate({**row.model_dump(), "to": row.recipient})
