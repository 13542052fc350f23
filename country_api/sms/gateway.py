"""The Medic Gateway protocol: what the Android SMS gateway posts and expects back.

The gateway posts `{"messages": [{"id", "from", "content", "sms_sent", "sms_received"}],
"updates": [...]}` (times in ms since the epoch) and sends the `messages` of our answer as SMS
(`{"id", "to", "content"}`). A GET is its handshake: `{"medic-gateway": true}`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from country_api.deps import SettingsDep
from country_api.sms.models import IncomingSms
from gridcare.core.errors import AppError, Unauthorized

MAX_MESSAGES = 500
EPOCH_MS_LIMIT = 10**14  # year 5138: anything larger is not a time


class GatewayMessage(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow")

    id: str = Field(min_length=1, max_length=120)
    sender: str = Field(alias="from", max_length=100)
    content: str = Field(max_length=5000)
    sms_sent: int | None = Field(default=None, ge=0, lt=EPOCH_MS_LIMIT)
    sms_received: int | None = Field(default=None, ge=0, lt=EPOCH_MS_LIMIT)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("id", "sender", "content", mode="after")
    @classmethod
    def _without_nul(cls, value: str) -> str:
        """PostgreSQL text holds no NUL: kept as U+FFFD, so the message is still stored."""
        return value.replace("\x00", "\ufffd")

    def incoming(self) -> IncomingSms:
        return IncomingSms(
            gateway_message_id=self.id,
            sender=self.sender,
            content=self.content,
            sms_sent=_from_ms(self.sms_sent),
            sms_received=_from_ms(self.sms_received),
        )


class GatewayPost(BaseModel):
    messages: list[GatewayMessage] = Field(default_factory=list, max_length=MAX_MESSAGES)
    updates: list[Any] = Field(default_factory=list)


class BadGatewayBody(AppError):
    status_code = 400
    code = "invalid_body"


def _from_ms(value: int | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)


def read_gateway_post(raw: bytes) -> GatewayPost:
    """The posted body, or a 400 that says what is wrong with it."""
    try:
        data = json.loads(raw or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadGatewayBody(f"body is not JSON: {error}") from None
    try:
        return GatewayPost.model_validate(data)
    except ValidationError as error:
        fields = [
            {
                "field": ".".join(str(part) for part in problem["loc"]) or "body",
                "message": problem["msg"],
            }
            for problem in error.errors()
        ]
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        raise BadGatewayBody(message, fields=fields) from None


async def gateway_key(request: Request, settings: SettingsDep) -> str:
    """The caller's `X-Gateway-Key`, refused with 401 unless it is one of the configured keys."""
    given = request.headers.get("x-gateway-key", "")
    keys = settings.sms_keys
    if not given or not any(hmac.compare_digest(given.encode(), key.encode()) for key in keys):
        raise Unauthorized("missing or unknown X-Gateway-Key")
    return given


GatewayKey = Annotated[str, Depends(gateway_key)]
