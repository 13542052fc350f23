"""The hooks by which a lower domain reaches a higher one, filled in once per app.

Domains import only the domains below them (`country_api/__init__.py`). Where a lower one
needs a higher one's work, it declares a hook and this module, in the composition layer, fills
it in (`main.create_app` calls `wire_domains`):

- audit's revert (`POST /api/mutations/{id}/revert`) undoes customers' and meters' mutations;
- a customer's detail lists the meters on each account (meters sit above customers);
- registering an account attaches the unmatched payments that named it (onboarding).
"""

from __future__ import annotations

from country_api.audit.revert import register_reverters
from country_api.customers import account_meters, registration_hooks
from country_api.customers.reverts import REVERTERS as CUSTOMER_REVERTERS
from country_api.meters.assignments import open_meters_by_account
from country_api.meters.reverts import REVERTERS as METER_REVERTERS
from country_api.onboarding.waiting import attach_waiting_payments


def wire_domains() -> None:
    """Idempotent: every app of the process gets the same hooks."""
    register_reverters(CUSTOMER_REVERTERS)
    register_reverters(METER_REVERTERS)
    account_meters.provide(open_meters_by_account)
    registration_hooks.provide(attach_waiting_payments)
