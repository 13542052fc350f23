"""A country's parsers, tried in order: the first that does not answer `None` decides."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from country_api.plugins.payments.protocol import ParseResult, PaymentParser
from country_api.plugins.registry import PAYMENT_PARSERS, load_plugin
from gridcare.core.countries import CountryConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChainResult:
    parser: str | None
    """Name of the parser that decided; None when none recognised the message (`unparsed`)."""
    result: ParseResult


def load_parsers(names: Iterable[str]) -> list[PaymentParser]:
    """Instances of the named parser plugins, in the given order."""
    return [load_plugin(PAYMENT_PARSERS, name)() for name in names]


def parsers_for_country(country: CountryConfig) -> list[PaymentParser]:
    """The built-in parsers the country file configures (`payments.parsers`).

    Operator templates (`templates.TemplateParser`) go before these; the caller adds them.
    """
    return load_parsers(country.payments.parsers)


def parse_with(parsers: Sequence[PaymentParser], *, sender: str, body: str) -> ChainResult:
    """The first non-`None` answer, with who gave it.

    A parser that raises is logged and skipped, so a faulty plugin cannot break ingest.
    """
    for parser in parsers:
        try:
            result = parser.parse(sender=sender, body=body)
        except Exception:
            log.exception("payment parser %s failed; trying the next one", parser.name)
            continue
        if result is not None:
            return ChainResult(parser=parser.name, result=result)
    return ChainResult(parser=None, result=None)
