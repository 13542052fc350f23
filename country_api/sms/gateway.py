"""The cht-gateway (formerly medic-gateway) protocol: what the Android SMS gateway posts and
expects back, as its README's "API" section and `WebappPoller.java` define it.

- It posts `{"messages": [{"id", "from", "content", "sms_sent", "sms_received"}], "updates":
  [{"id", "status", "reason"}]}` (times in ms since the epoch); a list may be `null`, `[]` or
  missing. The body may be gzip-compressed (`Content-Encoding: gzip`).
- It sends the `messages` of our answer (`{"id", "to", "content"}`) and ignores an id it has
  seen before; it reports each one's status later in `updates` (PENDING, SENT, DELIVERED,
  FAILED with a `reason`).
- Any answer of 400 or more is an error: it logs the top-level `message` of
  `{"error": true, "message": …}` and posts the same ten oldest waiting messages again, so one
  bad message must never fail the batch (each is judged on its own here).
- It authenticates only with credentials in the URL (`https://name:KEY@host/…`), which
  Android sends as HTTP Basic; `X-Gateway-Key` is kept for other callers.
- A GET is its handshake: `{"medic-gateway": true}`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from country_api.deps import SettingsDep
from country_api.sms.models import IncomingSms
from country_api.sms.store import content_hash
from gridcare.core.errors import AppError, Unauthorized

MAX_MESSAGES = 500
MAX_UPDATES = 1000
MAX_INFLATED_BYTES = 16 * 1024 * 1024
"""A gzip body may not inflate beyond this (the app posts at most 10 messages of 5,000 chars)."""
EPOCH_MS_LIMIT = 10**14  # year 5138: anything larger is not a time
ID_LIMIT, SENDER_LIMIT, CONTENT_LIMIT = 120, 100, 5000
UPDATE_STATUSES = frozenset({"PENDING", "SENT", "DELIVERED", "FAILED"})


def _gateway_body(code: str, message: str, fields: list[dict[str, str]]) -> dict[str, Any]:
    """The error shape the app reads (`error: true`, `message`), plus our code and fields."""
    return {"error": True, "message": message, "code": code, "fields": fields}


GATEWAY_ERROR_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "object",
            "description": "the app's error shape: it logs `message`",
            "required": ["error", "message"],
            "properties": {
                "error": {"const": True},
                "message": {"type": "string"},
                "code": {"type": "string"},
                "fields": {"type": "array", "items": {"type": "object"}},
            },
        },
        {"$ref": "#/components/schemas/ErrorAnswer"},
    ]
}
"""Errors of the gateway route: the app's shape, or the common one for what the request guard
refuses before the route runs."""
GATEWAY_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": description,
        "content": {"application/json": {"schema": GATEWAY_ERROR_SCHEMA}},
    }
    for status, description in (
        (400, "the body is not the protocol's JSON; the message says why"),
        (401, "no gateway key (header or HTTP Basic password)"),
    )
}


class BadGatewayBody(AppError):
    status_code = 400
    code = "invalid_body"

    def body(self) -> dict[str, Any]:
        return _gateway_body(self.code, self.message, self.fields)


class GatewayUnauthorized(Unauthorized):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.headers = {"WWW-Authenticate": 'Basic realm="gridcare-sms-gateway"'}

    def body(self) -> dict[str, Any]:
        return _gateway_body(self.code, self.message, self.fields)


class GatewayMessage(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow")

    id: str = Field(min_length=1, max_length=ID_LIMIT)
    sender: str = Field(alias="from", max_length=SENDER_LIMIT)
    content: str = Field(max_length=CONTENT_LIMIT)
    sms_sent: int | None = Field(default=None, ge=0, lt=EPOCH_MS_LIMIT)
    sms_received: int | None = Field(default=None, ge=0, lt=EPOCH_MS_LIMIT)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("id", "sender", "content", mode="after")
    @classmethod
    def _without_nul(cls, value: str) -> str:
        return storable(value)

    def incoming(self) -> IncomingSms:
        return IncomingSms(
            gateway_message_id=self.id,
            sender=self.sender,
            content=self.content,
            sms_sent=_from_ms(self.sms_sent),
            sms_received=_from_ms(self.sms_received),
        )


class GatewayUpdate(BaseModel):
    id: str
    status: str = Field(description="PENDING, SENT, DELIVERED or FAILED")
    reason: str | None = None


class GatewayPostBody(BaseModel):
    """What the app posts, as documented in the OpenAPI document (the route reads the body
    itself, message by message, so that one bad message never refuses the others)."""

    messages: list[GatewayMessage] | None = None
    updates: list[GatewayUpdate] | None = None


@dataclass(frozen=True)
class InvalidGatewayMessage:
    """A posted message that breaks the protocol's limits: stored as it came, with the reason."""

    sms: IncomingSms
    reason: str


@dataclass(frozen=True)
class StatusUpdate:
    """One `updates` entry: the status the phone reports for a message we gave it."""

    id: str
    status: str
    reason: str | None


@dataclass(frozen=True)
class GatewayPost:
    messages: list[IncomingSms | InvalidGatewayMessage]
    updates: list[StatusUpdate]
    ignored_updates: int
    """Entries of `updates` without an id or with a status outside the protocol's four."""


def _from_ms(value: int | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)


def inflate(raw: bytes, content_encoding: str | None) -> bytes:
    """The body as JSON bytes: gzip is undone (the protocol allows it), other codings refused."""
    encoding = (content_encoding or "identity").strip().lower()
    if encoding in ("identity", ""):
        return raw
    if encoding not in ("gzip", "x-gzip"):
        raise BadGatewayBody(f"unsupported Content-Encoding {content_encoding!r}")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, MAX_INFLATED_BYTES)
    except zlib.error as error:
        raise BadGatewayBody(f"body is not valid gzip: {error}") from None
    if inflater.unconsumed_tail:
        raise BadGatewayBody(f"body inflates beyond {MAX_INFLATED_BYTES} bytes")
    return body


def read_gateway_post(raw: bytes) -> GatewayPost:
    """The posted body, judged message by message; a 400 only when the body itself is wrong."""
    try:
        data = json.loads(raw or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadGatewayBody(f"body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise BadGatewayBody("body must be a JSON object with `messages` and `updates`")
    messages = _list_field(data, "messages", MAX_MESSAGES)
    updates = _list_field(data, "updates", MAX_UPDATES)
    read = [_read_message(item, index) for index, item in enumerate(messages)]
    valid_updates = [u for u in (_read_update(item) for item in updates) if u is not None]
    return GatewayPost(read, valid_updates, len(updates) - len(valid_updates))


def _list_field(data: dict[str, Any], name: str, limit: int) -> list[Any]:
    """A list field; `null` or missing is an empty list, as the protocol allows."""
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadGatewayBody(
            f"{name}: must be a list or null", fields=[{"field": name, "message": "not a list"}]
        )
    if len(value) > limit:
        raise BadGatewayBody(
            f"{name}: at most {limit} per post",
            fields=[{"field": name, "message": f"more than {limit}"}],
        )
    return value


def _read_message(item: Any, index: int) -> IncomingSms | InvalidGatewayMessage:
    try:
        return GatewayMessage.model_validate(item).incoming()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in problem['loc']) or 'message'}: {problem['msg']}"
            for problem in error.errors()
        )
        return InvalidGatewayMessage(_as_stored(item, index), f"invalid message: {problems}"[:500])


def storable(text: str) -> str:
    """Text PostgreSQL can hold, so the message is still stored as near verbatim as it allows:
    a NUL becomes U+FFFD, half of a UTF-16 pair on its own is written out (`\\udbf0`)."""
    cleaned = text.replace("\x00", "\ufffd")
    return cleaned.encode("utf-8", errors="backslashreplace").decode("utf-8")


def _as_stored(item: Any, index: int) -> IncomingSms:
    """What can be kept of an invalid message: its content verbatim, id and sender cut to fit."""
    fields = item if isinstance(item, dict) else {}
    raw_id = fields.get("id")
    content = fields.get("content")
    if not isinstance(content, str):
        content = json.dumps(item, ensure_ascii=False, default=str)
    content = storable(content)
    if isinstance(raw_id, str | int) and str(raw_id):
        message_id = storable(str(raw_id))[:ID_LIMIT]
    else:  # no usable id: the content names it, so the app's re-send is a duplicate
        message_id = "invalid:" + content_hash(content)[:40]
    sender = fields.get("from")
    return IncomingSms(
        gateway_message_id=message_id,
        sender=storable(sender if isinstance(sender, str) else "")[:SENDER_LIMIT],
        content=content,
    )


def _read_update(item: Any) -> StatusUpdate | None:
    if not isinstance(item, dict):
        return None
    update_id, status, reason = item.get("id"), item.get("status"), item.get("reason")
    if not isinstance(update_id, str | int) or str(status).upper() not in UPDATE_STATUSES:
        return None
    return StatusUpdate(
        id=str(update_id)[:ID_LIMIT],
        status=str(status).upper(),
        reason=str(reason)[:500] if reason is not None else None,
    )


def _basic_credentials(header: str) -> tuple[str, str] | None:
    """The name and password of `Authorization: Basic base64(name:password)`."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("latin-1")
    except binascii.Error:
        return None
    name, colon, password = decoded.partition(":")
    return (name, password) if colon else None


def _caller_name(request: Request, settings: SettingsDep) -> str | None:
    """The caller's name when its key (`X-Gateway-Key`, or the password of HTTP Basic
    credentials) is one of the configured keys, else None.

    The name is the Basic user name (`phone-maseru`), else `key-` and a digest of the key (never
    the key). The app percent-encodes the password of its URL (`SimpleJsonClient2.uriEncodeAuth`)
    and sends the URL's user-info as it stands, so a Basic password is also tried decoded."""
    header_key = request.headers.get("x-gateway-key", "")
    candidates = [("", header_key)] if header_key else []
    credentials = _basic_credentials(request.headers.get("authorization", ""))
    if credentials:
        name, password = credentials
        candidates += [(unquote(name), password), (unquote(name), unquote(password))]
    keys = settings.sms_keys
    for name, given in candidates:
        if given and any(hmac.compare_digest(given.encode(), key.encode()) for key in keys):
            digest = hashlib.sha256(given.encode()).hexdigest()[:12]
            return (name or f"key-{digest}")[:100]
    return None


async def gateway_name(request: Request, settings: SettingsDep) -> str:
    """The authenticated SMS gateway phone, or a 401 in the app's error shape."""
    name = _caller_name(request, settings)
    if name is None:
        raise GatewayUnauthorized("missing or unknown gateway key (X-Gateway-Key or HTTP Basic)")
    return name


async def webhook_caller(request: Request, settings: SettingsDep) -> str:
    """The same keys for structured payment webhooks, refused in the platform's error shape."""
    name = _caller_name(request, settings)
    if name is None:
        raise Unauthorized("missing or unknown X-Gateway-Key")
    return name


WebhookCaller = Annotated[str, Depends(webhook_caller)]
GatewayName = Annotated[str, Depends(gateway_name)]
"""The authenticated SMS gateway phone's name."""
