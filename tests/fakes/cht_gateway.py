"""A fake of the cht-gateway Android app (medic/cht-gateway), the client side of the SMS
gateway protocol, behaving as its README ("API") and `WebappPoller.java` describe:

- each poll posts the ten oldest WAITING received SMS (`MAX_WT_MESSAGES = 10`) and up to twenty
  unforwarded status updates (`MAX_WOM_STATUS_UPDATES = 20`) as `{"messages", "updates"}`;
- credentials in the webapp URL (`https://name:KEY@host/path`) become `Authorization: Basic`
  of the URL's user-info, the password percent-encoded (`SimpleJsonClient2`);
- an answer of 400 or more is an error: its `message` is logged, nothing is marked, and the
  same messages and updates go again at the next poll;
- on success the posted SMS become FORWARDED, the updates forwarded, and each answered
  `{"id", "to", "content"}` is stored to send unless its id is already known (`Db.store`);
- sending reports PENDING, SENT, then DELIVERED, or FAILED with a reason, as updates.
The body may be gzip-compressed (`gzip=True`), which the protocol allows.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

MAX_WT_MESSAGES = 10
MAX_WOM_STATUS_UPDATES = 20
AUTH_URL = re.compile(r"(.+)://([^:]*):(.*)@(.*)")
URI_UNRESERVED = "_-!.~'()*"
"""What Android's `Uri.encode` leaves as it is, besides letters and digits."""


@dataclass
class ReceivedSms:
    id: str
    sender: str
    content: str
    sms_sent: int
    sms_received: int
    status: str = "WAITING"


@dataclass
class SmsToSend:
    id: str
    to: str
    content: str
    status: str = "UNSENT"
    reason: str | None = None


@dataclass
class FakeChtGateway:
    webapp_url: str
    """`http://name:KEY@host/api/sms/incoming`, as typed into the app's settings (the key raw)."""
    gzip: bool = False
    received: list[ReceivedSms] = field(default_factory=list)
    outbox: dict[str, SmsToSend] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    answers: list[httpx.Response] = field(default_factory=list)
    _clock: int = 1_775_804_400_000

    def receive(self, message_id: str, sender: str, content: str) -> None:
        self._clock += 1000
        self.received.append(ReceivedSms(message_id, sender, content, self._clock, self._clock))

    def waiting(self) -> list[ReceivedSms]:
        return [m for m in self.received if m.status == "WAITING"]

    async def poll(self, client: httpx.AsyncClient) -> httpx.Response:
        """One `WebappPoller.pollWebapp()`."""
        batch = self.waiting()[:MAX_WT_MESSAGES]
        updates = self.updates[:MAX_WOM_STATUS_UPDATES]
        body = json.dumps(
            {
                "messages": [
                    {
                        "id": m.id,
                        "from": m.sender,
                        "content": m.content,
                        "sms_sent": m.sms_sent,
                        "sms_received": m.sms_received,
                    }
                    for m in batch
                ],
                "updates": updates,
            }
        ).encode()
        headers = {
            "Accept": "application/json",
            "Accept-Charset": "utf-8",
            "Accept-Encoding": "gzip",
            "Cache-Control": "no-cache",
            "Content-Type": "application/json",
        }
        url, authorization = _url_and_basic(self.webapp_url)
        if authorization:
            headers["Authorization"] = authorization
        if self.gzip:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        answer = await client.post(url, content=body, headers=headers)
        self.answers.append(answer)
        if answer.status_code >= 400:
            self._log_error(answer)
            return answer
        for m in batch:
            m.status = "FORWARDED"
        del self.updates[: len(updates)]
        for item in answer.json().get("messages") or []:
            if item["id"] in self.outbox:
                self.log.append(f"Failed to save WO message: {item}")
                continue
            self.outbox[item["id"]] = SmsToSend(item["id"], item["to"], item["content"])
        return answer

    async def poll_until_idle(self, client: httpx.AsyncClient, *, limit: int = 20) -> None:
        """Polls while a full batch went (`moreMessagesToSend`) and the last answer was a 2xx."""
        for _ in range(limit):
            before = len(self.waiting())
            answer = await self.poll(client)
            if answer.status_code >= 400 or before < MAX_WT_MESSAGES:
                return

    def send_all(self, *, fail: dict[str, str] | None = None, deliver: bool = True) -> None:
        """The phone sends every UNSENT message; those whose `to` is in `fail` fail with that
        reason; the rest report PENDING, SENT and (with `deliver`) DELIVERED."""
        for message in self.outbox.values():
            if message.status != "UNSENT":
                continue
            reason = (fail or {}).get(message.to)
            steps = ["PENDING", "FAILED"] if reason else ["PENDING", "SENT"]
            if deliver and not reason:
                steps.append("DELIVERED")
            for status in steps:
                update: dict[str, Any] = {"id": message.id, "status": status}
                if status == "FAILED":
                    update["reason"] = reason
                self.updates.append(update)
            message.status, message.reason = steps[-1], reason

    def _log_error(self, answer: httpx.Response) -> None:
        description = "unknown"
        if answer.headers.get("content-type", "").startswith("application/json"):
            description = answer.json().get("message", description)
        else:
            description = answer.text
        self.log.append(f"Received error from server: {answer.status_code}: {description}")


def _url_and_basic(webapp_url: str) -> tuple[str, str | None]:
    """The URL without its user-info and the Basic header the app derives from it: split by
    `AUTH_URL` (`(.+)://([^:]*):(.*)@(.*)`, the password running to the last `@`), the password
    percent-encoded (`uriEncodeAuth`, Android's `Uri.encode`), the user-info sent as it then
    stands (`encodeCredentials(url.getUserInfo())`)."""
    match = AUTH_URL.fullmatch(webapp_url)
    if match is None:
        return webapp_url, None
    scheme, user, password, rest = match.groups()
    user_info = f"{user}:{quote(password, safe=URI_UNRESERVED)}"
    return f"{scheme}://{rest}", "Basic " + base64.b64encode(user_info.encode("latin-1")).decode()
