"""SparkMeter Koios: credits through the v1 payments API.

`POST /api/v1/payments` with `customer_code`, `amount` (currency in major units, as a string),
`memo` and `external_id` (our payment id), authenticated by `X-API-KEY` / `X-API-SECRET` (a
write key). Success is a 2xx answer without `errors[]`; the answer "external_id has already
been taken" means the credit was applied by an earlier attempt. Historical readings (v2) are in
`koios_historical.py`.

Customers are created with `POST /api/v1/customers` (`code` = our account number, `name`,
`phone_number`, `meter_serial`); "code has already been taken" means it exists. This call
follows the payments call's conventions and the fake in `tests/fakes/koios.py`: SparkMeter's
public documentation of it could not be consulted.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

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

ALREADY_TAKEN = "external_id has already been taken"
CODE_TAKEN = "code has already been taken"


def koios_headers(key: SecretStr | str, secret: SecretStr | str) -> dict[str, str]:
    return {
        "X-API-KEY": reveal(key),
        "X-API-SECRET": reveal(secret),
        "Accept": "application/json",
    }


def koios_settings(country_code: str) -> tuple[str, SecretStr, SecretStr]:
    """URL, key and secret from `GRIDCARE_KOIOS_URL`, `_API_KEY`, `_API_SECRET`."""
    url = env_setting("KOIOS_URL", country_code=country_code, what="the Koios base URL")
    key = env_setting("KOIOS_API_KEY", country_code=country_code, what="the Koios API key")
    secret = env_setting("KOIOS_API_SECRET", country_code=country_code, what="the Koios API secret")
    return url, SecretStr(key), SecretStr(secret)


def koios_error_titles(body: Any) -> list[str]:
    """The `errors[].title` (with `detail` when given) of a Koios answer."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return []
    titles = []
    for error in body["errors"]:
        if isinstance(error, dict):
            title = str(error.get("title") or error.get("detail") or error)
            if error.get("title") and error.get("detail"):
                title = f"{title}: {error['detail']}"
            titles.append(title)
        else:
            titles.append(str(error))
    return titles


class KoiosPlatform:
    name = "koios"

    def __init__(
        self,
        *,
        base_url: str,
        key: SecretStr | str,
        secret: SecretStr | str,
        timeout: httpx.Timeout | float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = HttpSession(
            platform=self.name,
            base_url=base_url,
            headers=koios_headers(key, secret),
            timeout=timeout,
            transport=transport,
        )

    @classmethod
    def from_env(cls, country_code: str) -> KoiosPlatform:
        url, key, secret = koios_settings(country_code)
        return cls(base_url=url, key=key, secret=secret)

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
        check_positive(credit.amount_minor, self.name)
        response = await self._http.request(
            "POST",
            "/api/v1/payments",
            json={
                "customer_code": credit.customer_code,
                "amount": major_string(credit.amount_minor, credit.currency),
                "memo": credit.memo,
                "external_id": credit.external_id,
            },
        )
        body = json_body(response)
        errors = koios_error_titles(body)
        if any(ALREADY_TAKEN in error.lower() for error in errors):
            return CreditResult(status="already_applied")
        message = "; ".join(errors)
        if not response.is_success:
            raise status_error(self.name, response, message)
        if errors:
            raise PlatformError(f"{self.name}: payment refused: {message}", retryable=False)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            # Safe to retry: the repeat either applies it or answers "already taken".
            raise PlatformError(
                f"{self.name}: HTTP {response.status_code} without a payment in the answer",
                retryable=True,
            )
        reference = data.get("id")
        return CreditResult(
            status="applied", platform_reference=str(reference) if reference else None
        )

    async def create_customer(self, customer: PlatformCustomerData) -> CustomerCreated:
        payload: dict[str, str] = {"code": customer.code, "name": customer.name}
        if customer.phone:
            payload["phone_number"] = customer.phone
        if customer.meter_serial:
            payload["meter_serial"] = customer.meter_serial
        response = await self._http.request("POST", "/api/v1/customers", json=payload)
        body = json_body(response)
        errors = koios_error_titles(body)
        if any(CODE_TAKEN in error.lower() for error in errors):
            return CustomerCreated(status="exists")
        message = "; ".join(errors)
        if not response.is_success:
            raise status_error(self.name, response, message)
        if errors:
            raise PlatformError(f"{self.name}: customer refused: {message}", retryable=False)
        data = body.get("data") if isinstance(body, dict) else None
        reference = data.get("id") if isinstance(data, dict) else None
        return CustomerCreated(
            status="created", platform_reference=str(reference) if reference else None
        )
