"""SparkMeter Koios v2 historical readings, for the importer.

`POST /api/v2/organizations/{org}/data/historical` with `filters.sites` (Koios site ids) and
`filters.date_range` (`from`/`to`, whole days, inclusive), `per_page` (at most 200) and the
`cursor` of the previous page; cursors live 5 minutes. Koios allows 3 requests per 5 seconds
and 30,000 requests a day per organisation: the client paces itself per organisation and counts
every request against the caller's daily counter (shared by every process that imports), and a
429 or a spent budget raises `RateLimited` so the importer stops that organisation and resumes
later from the cursor or day it reached.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from country_api.plugins.meters._http import HttpSession, json_body, status_error
from country_api.plugins.meters.koios import koios_error_titles, koios_headers, koios_settings
from country_api.plugins.meters.protocol import PlatformError, RateLimited
from country_api.plugins.meters.rate_limit import SlidingWindowLimiter

REQUESTS_PER_WINDOW = 3
WINDOW_SECONDS = 5.0
DAILY_BUDGET = 30_000
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Reading:
    """One interval reading (~15 minutes): the energy used in the interval ending at `at`."""

    meter_id: str
    """The meter's serial number (`SMRSD-03-0001963E`)."""
    customer_code: str | None
    """The account the meter served at the time, when Koios says."""
    at: dt.datetime
    """UTC, timezone-aware."""
    kwh: Decimal


@dataclass(frozen=True)
class HistoricalPage:
    readings: list[Reading]
    next_cursor: str | None
    """Pass back as `cursor` for the next page; None on the last page."""


class RequestCounter(Protocol):
    async def count_request(self, *, org: str, day: dt.date) -> int:
        """Record one request to `org` on UTC `day`; return that day's count including it."""
        ...


class InMemoryRequestCounter:
    """A per-process counter (tests, one-off command runs)."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, dt.date], int] = {}

    async def count_request(self, *, org: str, day: dt.date) -> int:
        key = (org, day)
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]


class BudgetExhausted(RateLimited):
    """Our own count says the organisation's daily budget is spent; retry after UTC midnight."""


class KoiosHistoricalClient:
    def __init__(
        self,
        *,
        base_url: str,
        key: SecretStr | str,
        secret: SecretStr | str,
        counter: RequestCounter,
        daily_budget: int = DAILY_BUDGET,
        per_page: int = MAX_PER_PAGE,
        requests_per_window: int = REQUESTS_PER_WINDOW,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        utc_now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        timeout: httpx.Timeout | float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        self._http = HttpSession(
            platform="koios",
            base_url=base_url,
            headers=koios_headers(key, secret),
            timeout=timeout,
            transport=transport,
        )
        self._counter = counter
        self._daily_budget = daily_budget
        self._per_page = per_page
        self._utc_now = utc_now
        self._pace = (requests_per_window, window_seconds, clock, sleep)
        self._limiters: dict[str, SlidingWindowLimiter] = {}

    @classmethod
    def from_env(cls, country_code: str, *, counter: RequestCounter) -> KoiosHistoricalClient:
        url, key, secret = koios_settings(country_code)
        return cls(base_url=url, key=key, secret=secret, counter=counter)

    async def __aenter__(self) -> KoiosHistoricalClient:
        await self._http.__aenter__()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._http.aclose()

    async def readings(
        self,
        *,
        org: str,
        site: str,
        since: dt.date,
        until: dt.date,
        cursor: str | None = None,
    ) -> HistoricalPage:
        """One page of `site`'s readings for the UTC days `since`..`until` (inclusive).

        Raises `RateLimited` (429, with the server's `Retry-After`) or `BudgetExhausted`;
        other failures are `PlatformError`s, retryable for timeouts and 5xx.
        """
        first, last = _utc_day(since), _utc_day(until)
        if first > last:
            raise ValueError(f"since {first} is after until {last}")
        await self._spend_budget(org)
        body: dict[str, Any] = {
            "filters": {
                "sites": [site],
                "date_range": {"from": first.isoformat(), "to": last.isoformat()},
            },
            "per_page": self._per_page,
        }
        if cursor is not None:
            body["cursor"] = cursor
        async with self._limiter(org).slot():
            response = await self._http.request(
                "POST", f"/api/v2/organizations/{quote(org, safe='')}/data/historical", json=body
            )
        answer = json_body(response)
        if not response.is_success:
            raise status_error("koios", response, "; ".join(koios_error_titles(answer)))
        return _page(answer)

    def _limiter(self, org: str) -> SlidingWindowLimiter:
        if org not in self._limiters:
            calls, period, clock, sleep = self._pace
            self._limiters[org] = SlidingWindowLimiter(
                calls=calls, period=period, clock=clock, sleep=sleep
            )
        return self._limiters[org]

    async def _spend_budget(self, org: str) -> None:
        now = self._utc_now()
        used = await self._counter.count_request(org=org, day=now.date())
        if used > self._daily_budget:
            midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
            raise BudgetExhausted(
                f"koios: organisation {org} has used its {self._daily_budget} requests for "
                f"{now.date()}",
                retry_after=(midnight - now).total_seconds(),
            )


def _utc_day(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"{value} has no timezone: pass a date or an aware datetime")
        return value.astimezone(dt.UTC).date()
    return value


def _page(answer: Any) -> HistoricalPage:
    if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
        raise PlatformError("koios: historical answer without a data list", retryable=True)
    readings = [reading for row in answer["data"] if (reading := _reading(row)) is not None]
    pagination = answer.get("pagination") or {}
    has_more = bool(pagination.get("has_more"))
    cursor = pagination.get("cursor")
    if has_more and not cursor:
        raise PlatformError("koios: has_more without a cursor", retryable=False)
    return HistoricalPage(readings=readings, next_cursor=str(cursor) if has_more else None)


def _reading(row: Any) -> Reading | None:
    """A reading, or None for a row without energy (`kilowatt_hours: null`)."""
    try:
        kwh = row["kilowatt_hours"]
        if kwh is None:
            return None
        meter = row["meter"]
        customer = meter.get("customer") or {}
        at = dt.datetime.fromisoformat(row["timestamp"])
        return Reading(
            meter_id=str(meter["serial_number"]),
            at=(at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC),
            kwh=Decimal(str(kwh)),
            customer_code=customer.get("code"),
        )
    except (KeyError, TypeError, AttributeError, ValueError, ArithmeticError) as error:
        raise PlatformError(
            f"koios: unreadable historical row {row!r}: {error}", retryable=False
        ) from error
