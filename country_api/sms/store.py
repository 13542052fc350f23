"""The inbox's writes: a message stored verbatim once, then its outcome."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import update
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
    """The new inbox row's id, or None when this exact message was stored before."""
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
