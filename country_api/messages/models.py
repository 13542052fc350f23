"""Every outbound message is a row: to whom, what, why (kind), and what became of it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, DateTime, func
from sqlmodel import Field, SQLModel


class MessageKind(StrEnum):
    RECEIPT = "receipt"
    LOW_BALANCE = "low_balance"
    NOTICE = "notice"
    REPLY = "reply"
    BALANCE = "balance"


class MessageStatus(StrEnum):
    """queued → handed_over → pending → sent → delivered | failed.

    `handed_over`: in a gateway answer, no status reported yet (offered again in every answer
    until one is); `pending`, `sent`, `delivered`, `failed` are the app's PENDING (sent to the
    phone's network), SENT (reached the recipient's network), DELIVERED, FAILED (with reason).
    """

    QUEUED = "queued"
    HANDED_OVER = "handed_over"
    PENDING = "pending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


RANK = {
    MessageStatus.QUEUED: 0,
    MessageStatus.HANDED_OVER: 1,
    MessageStatus.PENDING: 2,
    MessageStatus.SENT: 3,
    MessageStatus.DELIVERED: 4,
    MessageStatus.FAILED: 4,
}
"""A reported status only moves a message forward; delivered and failed are final."""


def _time(*, required: bool = False) -> dt.datetime | None:
    column = Column(
        DateTime(timezone=True),
        nullable=not required,
        server_default=func.now() if required else None,
    )
    return Field(default=None, sa_column=column)  # type: ignore[no-any-return]


class OutboundMessage(SQLModel, table=True):
    """One message to send. `gateway_id` is the id the SMS gateway app knows it by (its
    identity there: the app ignores an id it has seen), renewed when staff retry a failed one.
    """

    __tablename__ = "outbound_messages"

    id: int | None = Field(default=None, primary_key=True)
    gateway_id: str = Field(max_length=64, unique=True)
    channel: str = Field(default="sms", max_length=20)
    recipient: str = Field(max_length=20)
    """International number with `+`."""
    content: str
    language: str | None = Field(default=None, max_length=20)
    kind: str = Field(max_length=20)
    account_id: int | None = Field(default=None, foreign_key="accounts.id")
    account_number: str | None = Field(default=None, max_length=16)
    customer_id: int | None = Field(default=None, foreign_key="customers.id")
    payment_id: int | None = Field(default=None, foreign_key="payments.id")
    status: str = Field(default=MessageStatus.QUEUED, max_length=20)
    gateway: str | None = Field(default=None, max_length=100)
    """The SMS gateway phone it was handed to (its Basic user name, or a digest of its key)."""
    reason: str | None = None
    attempts: int = 1
    created_at: dt.datetime | None = _time(required=True)
    handed_over_at: dt.datetime | None = _time()
    sent_at: dt.datetime | None = _time()
    delivered_at: dt.datetime | None = _time()
    failed_at: dt.datetime | None = _time()
    updated_at: dt.datetime | None = _time(required=True)


class MessageStatusEvent(SQLModel, table=True):
    """Every status the gateway reported, applied or not (unknown id, out of order): the record
    of what the phone said."""

    __tablename__ = "message_status_events"

    id: int | None = Field(default=None, primary_key=True)
    gateway_id: str = Field(max_length=120)
    message_id: int | None = Field(default=None, foreign_key="outbound_messages.id")
    status: str = Field(max_length=20)
    reason: str | None = None
    applied: bool = False
    received_at: dt.datetime | None = _time(required=True)


class MessagePublic(SQLModel):
    id: int
    gateway_id: str
    channel: str
    to: str
    content: str
    language: str | None
    kind: str
    account_number: str | None
    customer_id: int | None
    payment_id: int | None
    status: str
    gateway: str | None
    reason: str | None
    attempts: int
    created_at: dt.datetime
    handed_over_at: dt.datetime | None
    sent_at: dt.datetime | None
    delivered_at: dt.datetime | None
    failed_at: dt.datetime | None


class MessagePage(SQLModel):
    items: list[MessagePublic]
    total: int
