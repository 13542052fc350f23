"""MTN MoMo Zambia (sender `MoMo` / `MTN`, `Y'ello` greeting).

`Y'ello. You have received K150.00 from JOHN BANDA (260961234567) on 15/04/2024 10:32.
Reference: 0252SHG. Financial Transaction Id: 4528830917. New balance: K1,250.00.` Written
from MTN's public formats, not captured traffic (see `zambia`).
"""

from __future__ import annotations

import re

from country_api.plugins.payments import zambia
from country_api.plugins.payments.protocol import ParseResult, Rejection
from country_api.plugins.payments.text import normalise, too_long_or_empty

MTN_SENDER = re.compile(r"\b(?:MTN|MoMo)", re.IGNORECASE)
MTN_BODY_WORDS = ("mtn", "momo", "y'ello", "financial transaction id")


class MtnMomoZambia:
    name = "mtn_zm"
    currency = zambia.CURRENCY

    def parse(self, *, sender: str, body: str) -> ParseResult:
        if too_long_or_empty(body):
            return None
        text = normalise(body)
        lowered = text.lower()
        if not (MTN_SENDER.search(sender) or any(word in lowered for word in MTN_BODY_WORDS)):
            return None
        result = zambia.parse_received(provider="mtn_momo", sender=sender, text=text)
        return result or Rejection("MTN MoMo message that is not a received payment")
