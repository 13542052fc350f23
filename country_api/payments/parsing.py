"""The parser chain for one country: operator templates (from the database) first, then the
configured plugins (`payments.parsers`). A template or parser that raises is skipped, so a wrong
operator template can never break ingest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from country_api.plugins.payments.chain import parsers_for_country
from country_api.plugins.payments.protocol import ParsedPayment, ParseResult, PaymentParser
from country_api.plugins.payments.templates import TemplateParser, compile_template
from country_api.sms.models import SmsTemplate
from gridcare.core.countries import CountryConfig


def template_parsers(
    templates: Iterable[SmsTemplate], country: CountryConfig
) -> list[PaymentParser]:
    """Active stored templates as parsers; one that no longer compiles is left out."""
    parsers: list[PaymentParser] = []
    for template in templates:
        if not template.active:
            continue
        try:
            compiled = compile_template(template.pattern, require_txn_id=False)
        except ValueError:
            continue
        parser = TemplateParser(
            name=f"template:{template.name}",
            provider=template.provider,
            currency=country.currency,
            template=compiled,
            country=country.code,
        )
        if template.sender:
            parsers.append(_SenderFilter(parser, template.sender))
        else:
            parsers.append(cast(PaymentParser, parser))
    return parsers


class _SenderFilter:
    """A template that only reads messages from one sender (case-insensitive)."""

    def __init__(self, parser: TemplateParser, sender: str) -> None:
        self.parser = parser
        self.name = parser.name
        self.currency = parser.currency
        self.sender = sender.strip().lower()

    def parse(self, *, sender: str, body: str) -> ParseResult:
        if sender.strip().lower() != self.sender:
            return None
        return self.parser.parse(sender=sender, body=body)


def configured_parsers(country: CountryConfig) -> list[PaymentParser]:
    return parsers_for_country(country)


def parsed_json(payment: ParsedPayment) -> dict[str, Any]:
    return {
        "provider": payment.provider,
        "reference": payment.reference,
        "synthetic_reference": payment.synthetic_reference,
        "amount_minor": payment.amount_minor,
        "currency": payment.currency,
        "payer_phone": payment.payer_phone,
        "payer_name": payment.payer_name,
        "payer_reference": payment.payer_reference,
        "remark": payment.remark,
        "account_candidates": list(payment.account_candidates),
        "paid_at": payment.paid_at.isoformat() if payment.paid_at else None,
    }
