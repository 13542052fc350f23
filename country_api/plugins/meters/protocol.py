"""What a meter platform is: it takes credits (idempotently, by our id) for an account.

Platforms that keep their own customer list (SparkMeter Koios, ThunderCloud) also implement
`CustomerRegistry`: the customer is created there when the account is commissioned, through
the durable outbox (`country_api/onboarding/platform_outbox.py`), idempotent on our account
number (a repeat answers `exists`).

A platform is a class with a `name`, built by `from_env(country_code)` from environment
secrets, declared under the `gridcare.meter_platforms` entry point group and named per site in
the country file (`sites[].meter_platform`, default `meters.default_platform`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable


@dataclass(frozen=True)
class Credit:
    external_id: str
    """Our payment id: the platform's idempotency key."""
    customer_code: str
    """The account number (`0045MAK`), the customer's code on the platform."""
    amount_minor: int
    currency: str
    memo: str
    meter_id: str | None = None


@dataclass(frozen=True)
class CreditResult:
    status: Literal["applied", "already_applied"]
    platform_reference: str | None = None


class PlatformError(Exception):
    """A push that did not go through. `retryable` is False for answers retrying cannot fix."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class MeterPlatform(Protocol):
    name: str

    async def push_credit(self, credit: Credit) -> CreditResult:
        """Apply `credit` once; a repeat of the same `external_id` answers `already_applied`."""
        ...


@dataclass(frozen=True)
class PlatformCustomerData:
    code: str
    """Our account number (`0045MAK`): the customer's code on the platform, its idempotency key."""
    name: str
    phone: str | None
    meter_serial: str | None
    site_code: str


@dataclass(frozen=True)
class CustomerCreated:
    status: Literal["created", "exists"]
    platform_reference: str | None = None


@runtime_checkable
class CustomerRegistry(Protocol):
    name: str

    async def create_customer(self, customer: PlatformCustomerData) -> CustomerCreated:
        """Create the customer once; a repeat of the same `code` answers `exists`."""
        ...


class RateLimited(PlatformError):
    """The platform (or our own budget for it) refuses more requests for now.

    `retry_after` is in seconds when the platform said (`Retry-After`), else None. Always
    retryable: the caller should stop calling this platform (or organisation) and resume later.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, retryable=True)
        self.retry_after = retry_after


class PlatformNotConfigured(PlatformError):
    """A setting the platform needs (URL, key) is missing from the environment.

    Retryable: the outbox keeps the credit and succeeds once the setting is provided and the
    service restarted.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True)
