"""SparkMeter ThunderCloud (v0): credits for sites still on a ThunderCloud server (MAK, LAB).

Two calls, authenticated by the `Authentication-Token` header: `GET /api/v0/customer/{code}`
(answer `{"customers": [{"id", "code", …}]}`) for the customer's ThunderCloud id, then a form
POST to `/api/v0/transaction/` with `customer_id`, `amount` (currency in major units), `source`
and `external_id` (our payment id). Errors answer `{"error": "...", "status": "failure"}`; an
error about an `external_id` that already exists means an earlier attempt applied the credit.
Customers are created with a form POST to `/api/v0/customer/` (`code` = our account number,
`name`, `phone_number`, `meter_serial`); an error saying the code already exists means it does.
(The customer call follows the fake in `tests/fakes/thundercloud.py`; SparkMeter's public
documentation of it could not be consulted.)
"""

from __future__ import annotations

import re
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from country_api.plugins.meters._http import (
    HttpSession,
    check_positive,
    env_setting,
    json_body,
    reveal,
    status_error,
)
from country_api.plugins.meters.protocol import (
    Credit,
    CreditResult,
    CustomerCreated,
    PlatformCustomerData,
    PlatformError,
)
from gridcare.core.money import major_string

DUPLICATE_EXTERNAL_ID = re.compile(
    r"external[ _]?id.*\b(already|exists|taken|duplicate|unique)", re.IGNORECASE
)
UNKNOWN_CUSTOMER = re.compile(
    r"customer\b.*\b(not found|unknown|does not exist)|(unknown|no such) customer", re.IGNORECASE
)
CREDIT_SOURCE = "cash"
"""ThunderCloud's transaction source for money received outside the meter (mobile money)."""


class ThunderCloudPlatform:
    name = "thundercloud"

    def __init__(
        self,
        *,
        base_url: str,
        token: SecretStr | str,
        timeout: httpx.Timeout | float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = HttpSession(
            platform=self.name,
            base_url=base_url,
            headers={"Authentication-Token": reveal(token), "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )
        self._customer_ids: dict[str, str] = {}

    @classmethod
    def from_env(cls, country_code: str) -> ThunderCloudPlatform:
        url = env_setting(
            "THUNDERCLOUD_URL", country_code=country_code, what="the ThunderCloud base URL"
        )
        token = env_setting(
            "THUNDERCLOUD_TOKEN", country_code=country_code, what="the ThunderCloud API token"
        )
        return cls(base_url=url, token=SecretStr(token))

    async def __aenter__(self) -> Self:
        await self._http.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._http.aclose()

    async def push_credit(self, credit: Credit) -> CreditResult:
        """Credit the customer; when ThunderCloud no longer knows the cached customer id (the
        customer was re-created), look the id up again once before giving an answer."""
        check_positive(credit.amount_minor, self.name)
        try:
            return await self._push(credit, await self.customer_id(credit.customer_code))
        except _UnknownCustomerId:
            self._customer_ids.pop(credit.customer_code, None)
        try:
            return await self._push(credit, await self.customer_id(credit.customer_code))
        except _UnknownCustomerId as error:
            raise PlatformError(f"{self.name}: {error}", retryable=True) from None

    async def _push(self, credit: Credit, customer_id: str) -> CreditResult:
        response = await self._http.request(
            "POST",
            "/api/v0/transaction/",
            data={
                "customer_id": customer_id,
                "amount": major_string(credit.amount_minor, credit.currency),
                "source": CREDIT_SOURCE,
                "external_id": credit.external_id,
            },
        )
        body = json_body(response)
        error = _error_text(body)
        if error and DUPLICATE_EXTERNAL_ID.search(error):
            return CreditResult(status="already_applied")
        if error and UNKNOWN_CUSTOMER.search(error):
            raise _UnknownCustomerId(f"customer id {customer_id} refused: {error}")
        if not response.is_success:
            raise status_error(self.name, response, error)
        if error:
            raise PlatformError(f"{self.name}: transaction refused: {error}", retryable=False)
        if not isinstance(body, dict) or not body.get("transaction_id"):
            # Safe to retry: the repeat either applies it or answers that it already exists.
            raise PlatformError(
                f"{self.name}: HTTP {response.status_code} without a transaction_id",
                retryable=True,
            )
        return CreditResult(status="applied", platform_reference=str(body["transaction_id"]))

    async def create_customer(self, customer: PlatformCustomerData) -> CustomerCreated:
        """Create the customer (code = our account number); `exists` when it already does."""
        return await _create_customer(self, customer)

    async def customer_id(self, code: str) -> str:
        """ThunderCloud's id for the customer with our account number `code` (cached)."""
        if code in self._customer_ids:
            return self._customer_ids[code]
        response = await self._http.request("GET", f"/api/v0/customer/{quote(code, safe='')}")
        body = json_body(response)
        customers = body.get("customers") if isinstance(body, dict) else None
        if response.status_code == httpx.codes.NOT_FOUND or (
            response.is_success and isinstance(customers, list) and not customers
        ):
            # Retryable: the customer may be created on the platform later (commissioning).
            raise PlatformError(f"{self.name}: no customer with code {code}", retryable=True)
        if not response.is_success:
            raise status_error(self.name, response, _error_text(body))
        if not isinstance(customers, list) or not isinstance(customers[0], dict):
            raise PlatformError(f"{self.name}: customer lookup answer without customers")
        match = next((c for c in customers if c.get("code") == code), customers[0])
        if not match.get("id"):
            raise PlatformError(f"{self.name}: customer {code} has no id in the lookup answer")
        self._customer_ids[code] = str(match["id"])
        return self._customer_ids[code]


CODE_EXISTS = re.compile(r"\bcode\b.*\b(already|exists|taken|duplicate|unique)", re.IGNORECASE)


async def _create_customer(
    platform: ThunderCloudPlatform, customer: PlatformCustomerData
) -> CustomerCreated:
    form = {"code": customer.code, "name": customer.name}
    if customer.phone:
        form["phone_number"] = customer.phone
    if customer.meter_serial:
        form["meter_serial"] = customer.meter_serial
    response = await platform._http.request("POST", "/api/v0/customer/", data=form)
    body = json_body(response)
    error = _error_text(body)
    if error and CODE_EXISTS.search(error):
        return CustomerCreated(status="exists")
    if not response.is_success:
        raise status_error(platform.name, response, error)
    if error:
        raise PlatformError(f"{platform.name}: customer refused: {error}", retryable=False)
    created = body.get("customer") if isinstance(body, dict) else None
    reference = created.get("id") if isinstance(created, dict) else None
    if reference:
        platform._customer_ids[customer.code] = str(reference)
    return CustomerCreated(
        status="created", platform_reference=str(reference) if reference else None
    )


class _UnknownCustomerId(Exception):
    """ThunderCloud refused a transaction because it does not know the customer id we sent."""


def _error_text(body: Any) -> str:
    if isinstance(body, dict):
        if body.get("error"):
            return str(body["error"])
        if body.get("status") == "failure":
            return str(body.get("message") or "failure")
    return ""
