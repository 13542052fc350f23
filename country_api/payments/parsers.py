"""The parser chain a process uses: stored operator templates, then the country's plugins.

Plugins are built once per process. Templates are re-read at most every `ttl_seconds` (and at
once after a change made through this process), so other copies see a change within seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from sqlmodel import Session

from country_api.payments.parsing import configured_parsers, template_parsers
from country_api.plugins.payments.protocol import PaymentParser
from country_api.sms.service import active_templates
from gridcare.core.countries import CountryConfig

TEMPLATE_TTL_SECONDS = 5.0


class ParserChain:
    def __init__(
        self,
        country: CountryConfig,
        *,
        plugins: Sequence[PaymentParser] | None = None,
        ttl_seconds: float = TEMPLATE_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.country = country
        self.plugins = list(plugins) if plugins is not None else configured_parsers(country)
        self.ttl_seconds = ttl_seconds
        self.monotonic = monotonic
        self._templates: tuple[float, list[PaymentParser]] | None = None
        self._lock = threading.Lock()

    def parsers(self, session: Session) -> list[PaymentParser]:
        with self._lock:
            cached = self._templates
        if cached is None or cached[0] < self.monotonic():
            templates = template_parsers(active_templates(session=session), self.country)
            cached = (self.monotonic() + self.ttl_seconds, templates)
            with self._lock:
                self._templates = cached
        return [*cached[1], *self.plugins]

    def templates_changed(self) -> None:
        with self._lock:
            self._templates = None
