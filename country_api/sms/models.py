from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, DateTime, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Outcome(StrEnum):
    """What became of one incoming message (the gateway reply and the inbox both say it)."""

    RECEIVED = "received"
    """Stored, not yet processed (only seen if processing crashed mid-way)."""
    PAYMENT = "payment"
    DUPLICATE = "duplicate"
    UNMATCHED = "unmatched"
    FEE = "fee"
    UNPARSED = "unparsed"
    REJECTED = "rejected"
    PARKED = "parked"
    """A valid payment held for staff because `features.payment_automation` is off."""
    INVALID = "invalid"
    """Broke the gateway protocol's limits (id, sender or length): kept, never processed."""


@dataclass(frozen=True)
class IncomingSms:
    """One message as the SMS gateway delivered it, before it is stored (`store.py`)."""

    gateway_message_id: str
    sender: str
    content: str
    sms_sent: dt.datetime | None = None
    sms_received: dt.datetime | None = None


class SmsMessage(SQLModel, table=True):
    """One incoming SMS (or structured webhook post), verbatim, with what became of it.

    `(gateway_message_id, sender, content_hash)` is unique; a message from the gateway app is
    moreover known by its id alone (`store.py`): a gateway retry is a duplicate.
    """

    __tablename__ = "sms_messages"

    id: int | None = Field(default=None, primary_key=True)
    source: str = "gateway"
    gateway_message_id: str = Field(max_length=120)
    sender: str = Field(max_length=100)
    content: str
    content_hash: str = Field(max_length=64)
    sms_sent: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    sms_received: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True))
    )
    received_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    outcome: str = Outcome.RECEIVED
    reason: str | None = None
    parser: str | None = None
    parsed: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    payment_id: int | None = Field(default=None, foreign_key="payments.id")
    account_number: str | None = None
    receipt: str | None = None
    allocated_by: str | None = None
    allocated_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True))
    )


class SmsTemplate(SQLModel, table=True):
    """An operator-editable SMS format (`recu {amount} FCFA de {phone}. Ref: {txn_id}`)."""

    __tablename__ = "sms_templates"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)
    provider: str = Field(max_length=40)
    sender: str | None = Field(default=None, max_length=100)
    pattern: str
    active: bool = True
    created_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    created_by: str = Field(max_length=100)


class SmsTemplateCreate(SQLModel):
    name: str = Field(min_length=1, max_length=60)
    provider: str = Field(min_length=1, max_length=40, regex=r"^[a-z0-9_]+$")
    sender: str | None = Field(default=None, max_length=100)
    """Only messages from this sender are tried (any sender when unset)."""
    pattern: str = Field(min_length=3, max_length=1000)
    active: bool = True


class SmsTemplateUpdate(SQLModel):
    """A partial update: only the fields sent change; `pattern` and `active` may not be null."""

    pattern: str | None = Field(default=None, min_length=3, max_length=1000)
    sender: str | None = Field(default=None, max_length=100)
    active: bool | None = None


NOT_NULLABLE_UPDATES = frozenset({"pattern", "active"})


class SmsTemplatePublic(SQLModel):
    id: int
    name: str
    provider: str
    sender: str | None
    pattern: str
    active: bool
    created_at: dt.datetime
    created_by: str


class InboxItem(SQLModel):
    id: int
    source: str
    gateway_message_id: str
    sender: str
    content: str
    sms_sent: dt.datetime | None
    sms_received: dt.datetime | None
    received_at: dt.datetime
    outcome: str
    reason: str | None
    parser: str | None
    parsed: dict[str, Any] | None
    payment_id: int | None
    account_number: str | None
    allocated_by: str | None
    allocated_at: dt.datetime | None


class InboxPage(SQLModel):
    items: list[InboxItem]
    total: int


class AllocateRequest(SQLModel):
    account_number: str = Field(min_length=4, max_length=16)
