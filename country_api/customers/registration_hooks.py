"""What happens right after a customer registers, filled in by a higher domain.

Customers sit below payments, so registration cannot import the payment code that attaches
unmatched payments naming the new account. The composition layer provides it here at start-up
(`country_api/routers.py`; `wiring.py` where that module exists) and registration runs it in
its unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from country_api.customers.models import Account
from gridcare.core.countries import CountryConfig

Hook = Callable[..., Any]
"""Called as `hook(session=…, country=…, account=…, actor=…)`."""

_hooks: list[Hook] = []


def provide(hook: Hook) -> None:
    """Idempotent: the same hook is kept once however many apps the process builds."""
    if hook not in _hooks:
        _hooks.append(hook)


def after_registration(
    *, session: Session, country: CountryConfig, account: Account, actor: str
) -> None:
    for hook in _hooks:
        hook(session=session, country=country, account=account, actor=actor)
