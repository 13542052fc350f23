"""The inbox's writes: a message stored verbatim once, then its outcome.

A message from the SMS gateway app is identified by its `id` alone (the app's idempotence
rule): the same id again is a redelivery even when its text differs. A webhook post is
identified by its key, sender and content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col

from country_api.sms.models import SmsMessage


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def store_message(
    *,
    session: Session,
    source: str,
    gateway_message_id: str,
    sender: str,
    content: str,
    sms_sent: dt.datetime | None,
    sms_received: dt.datetime | None,
) -> int | None:
    """The new inbox row's id, or None when this message was stored before."""
    if source == "gateway":
        lock_key = func.hashtextextended(f"sms-gateway-id:{gateway_message_id}", 0)
        session.execute(select(func.pg_advisory_xact_lock(lock_key)))
        if gateway_message(session=session, gateway_message_id=gateway_message_id) is not None:
            return None
    statement = (
        insert(SmsMessage)
        .values(
            source=source,
            gateway_message_id=gateway_message_id,
            sender=sender,
            content=content,
            content_hash=content_hash(content),
            sms_sent=sms_sent,
            sms_received=sms_received,
        )
        .on_conflict_do_nothing(index_elements=["gateway_message_id", "sender", "content_hash"])
        .returning(col(SmsMessage.id))
    )
    return session.execute(statement).scalar_one_or_none()


def finish_message(*, session: Session, message_id: int, **values: Any) -> None:
    session.execute(update(SmsMessage).where(col(SmsMessage.id) == message_id).values(**values))


def gateway_message(*, session: Session, gateway_message_id: str) -> SmsMessage | None:
    """The first inbox row the gateway app posted with this id."""
    statement = (
        select(SmsMessage)
        .where(
            col(SmsMessage.source) == "gateway",
            col(SmsMessage.gateway_message_id) == gateway_message_id,
        )
        .order_by(col(SmsMessage.id))
        .limit(1)
    )
    return session.execute(statement).scalars().first()
