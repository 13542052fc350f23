"""Plumbing shared by the HTTP meter platforms: settings from the environment, amounts as the
platforms write them, one HTTP session, and how failures map onto `PlatformError`."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import ssl
from decimal import Decimal
from functools import cache
from types import TracebackType
from typing import Any, Self

import httpx
from pydantic import SecretStr

from country_api.plugins.meters.protocol import PlatformError, PlatformNotConfigured, RateLimited

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def env_setting(name: str, *, country_code: str, what: str) -> str:
    """`GRIDCARE_<CC>_<NAME>` when set (several countries served by one process), else
    `GRIDCARE_<NAME>`; a `PlatformNotConfigured` naming the variable when neither is."""
    per_country = f"GRIDCARE_{country_code.upper()}_{name}"
    plain = f"GRIDCARE_{name}"
    for variable in (per_country, plain):
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    raise PlatformNotConfigured(
        f"{plain} is not set: {what} for country {country_code.upper()} (or set {per_country})"
    )


def reveal(value: SecretStr | str) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def check_positive(amount_minor: int, platform: str) -> None:
    if amount_minor <= 0:
        raise PlatformError(
            f"{platform}: a credit must be positive, got {amount_minor} minor units",
            retryable=False,
        )


def json_body(response: httpx.Response) -> Any:
    """The decoded JSON answer (numbers with a fraction as `Decimal`), or None if not JSON."""
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError:
        return None


def retry_after_seconds(response: httpx.Response) -> float | None:
    """`Retry-After` as seconds (it may be a number or an HTTP date), None when absent or odd."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def status_error(platform: str, response: httpx.Response, message: str) -> PlatformError:
    """A non-success answer: 429 → `RateLimited`; 5xx and 408 retryable; other 4xx final."""
    status = response.status_code
    text = f"{platform}: HTTP {status}: {message or response.reason_phrase}"
    if status == httpx.codes.TOO_MANY_REQUESTS:
        return RateLimited(text, retry_after=retry_after_seconds(response))
    retryable = status >= 500 or status == httpx.codes.REQUEST_TIMEOUT
    return PlatformError(text, retryable=retryable)


@cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every client: building one loads the CA bundle (~0.1 s of CPU)."""
    return httpx.create_ssl_context()


class _BorrowedTransport(httpx.AsyncBaseTransport):
    """A caller's transport, used by our short-lived clients without being closed by them."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self._transport = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        return None


class HttpSession:
    """Requests to one platform, mapping network failures to retryable `PlatformError`s.

    Used as `async with session:` it keeps one pooled client (a worker pushing many credits);
    otherwise each request opens and closes its own connection.
    """

    def __init__(
        self,
        *,
        platform: str,
        base_url: str,
        headers: dict[str, str],
        timeout: httpx.Timeout | float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self._headers = headers
        self._timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self._transport = transport
        self._pooled: httpx.AsyncClient | None = None

    def _new_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base_url,
            headers=self._headers,
            timeout=self._timeout,
            verify=_tls_context(),
            transport=_BorrowedTransport(self._transport) if self._transport else None,
        )

    async def __aenter__(self) -> Self:
        if self._pooled is None:
            self._pooled = self._new_client()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._pooled is not None:
            pooled, self._pooled = self._pooled, None
            await pooled.aclose()

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send; a timeout or connection failure becomes `PlatformError(retryable=True)`.

        A timed-out credit may still have been applied: callers rely on the platform's
        idempotency key, so the retry answers "already applied".
        """
        try:
            if self._pooled is not None:
                return await self._pooled.request(method, path, **kwargs)
            async with self._new_client() as client:
                return await client.request(method, path, **kwargs)
        except httpx.TimeoutException as error:
            raise PlatformError(
                f"{self.platform}: {method} {path} timed out ({type(error).__name__})",
                retryable=True,
            ) from error
        except httpx.UnsupportedProtocol as error:
            raise PlatformError(
                f"{self.platform}: bad base URL {self.base_url!r}: {error}", retryable=False
            ) from error
        except httpx.TransportError as error:
            raise PlatformError(
                f"{self.platform}: {method} {self.base_url}{path} failed: "
                f"{type(error).__name__}: {error}",
                retryable=True,
            ) from error
