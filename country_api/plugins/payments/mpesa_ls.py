"""Vodacom M-Pesa Lesotho: `<TXN> Confirmed. on D/M/YY at H:MM AM M125.50 received from 266…`.

The transaction id before `Confirmed` is the reference. `Reference:` is what the payer typed
(an account number, or in the 2018 flow a meter channel id) and is searched for account
tokens after `Remark:`. EcoCash messages in the same shape are left to `ecocash_ls`.
"""

from __future__ import annotations

from country_api.plugins.payments import lesotho
from country_api.plugins.payments.protocol import ParseResult, Rejection
from country_api.plugins.payments.text import normalise, too_long_or_empty


class MpesaLesotho:
    name = "mpesa_ls"
    currency = lesotho.CURRENCY

    def parse(self, *, sender: str, body: str) -> ParseResult:
        if too_long_or_empty(body):
            return None
        text = normalise(body)
        if not lesotho.CONFIRMED.match(text):
            return None
        lowered = text.lower()
        if lesotho.is_ecocash(sender=sender, lowered=lowered):
            return None
        fields = lesotho.received_fields(text, lowered)
        if fields is None:
            return Rejection("M-Pesa confirmation of something other than a received payment")
        return lesotho.payment(provider="mpesa", sender=sender, body=text, fields=fields)
