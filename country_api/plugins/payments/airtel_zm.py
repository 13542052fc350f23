"""Airtel Money Zambia (sender `AirtelMoney` / `Airtel`).

`You have received ZMW 150.00 from 260971234567, JOHN BANDA. Ref: 0252SHG. Your available
balance is ZMW 1,250.00. Txn ID: RC240415.1032.H12345.` and the older `Money received. Amount
K1,250.00 from JOHN BANDA 0971234567. Trans ID: MP240416.0953.A96450.` Written from Airtel's
public formats, not captured traffic (see `zambia`).
"""

from __future__ import annotations

from country_api.plugins.payments import zambia
from country_api.plugins.payments.protocol import ParseResult, Rejection
from country_api.plugins.payments.text import normalise, too_long_or_empty


class AirtelMoneyZambia:
    name = "airtel_zm"
    currency = zambia.CURRENCY

    def parse(self, *, sender: str, body: str) -> ParseResult:
        if too_long_or_empty(body):
            return None
        text = normalise(body)
        if "airtel" not in sender.lower() and "airtel" not in text.lower():
            return None
        result = zambia.parse_received(provider="airtel", sender=sender, text=text)
        return result or Rejection("Airtel Money message that is not a received payment")
