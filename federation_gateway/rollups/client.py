"""The fan-out: one GET per country, all at once, on the gateway's shared `httpx.AsyncClient`.

Each country has its own deadline (`api.timeout_seconds` of its file) covering the whole call;
whatever goes wrong with one country (no access, refused, down, slow, malformed) becomes that
country's `unavailable` answer with a reason, never an error of the rollup. Good answers are
cached per country (tag `country:<slug>`), so invalidating a country drops them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from federation_gateway.cache import Cache
from federation_gateway.config import CountryTarget

log = logging.getLogger(__name__)

NO_ACCESS = "no access"


@dataclass(frozen=True)
class CountryAnswer:
    slug: str
    target: CountryTarget
    body: dict[str, Any] | None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.body is not None


def country_tag(slug: str) -> str:
    return f"country:{slug}"


def _error_message(answer: httpx.Response) -> str:
    try:
        return str(answer.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return answer.reason_phrase or "no message"


async def fetch_country(
    *,
    client: httpx.AsyncClient,
    slug: str,
    target: CountryTarget,
    path: str,
    params: dict[str, str],
    token: str | None,
    cache: Cache,
    ttl: float,
) -> CountryAnswer:
    if token is None:
        return CountryAnswer(slug, target, None, NO_ACCESS)
    key = f"{country_tag(slug)}:{path}?{urlencode(sorted(params.items()))}"
    cached = await cache.get(key)
    if isinstance(cached, dict):
        return CountryAnswer(slug, target, cached)
    timeout = target.timeout_seconds
    try:
        async with asyncio.timeout(timeout):
            answer = await client.get(
                f"{target.api_url}{path}",
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                timeout=timeout,
            )
            body = answer.json() if answer.status_code == 200 else None
    except (TimeoutError, httpx.TimeoutException):
        reason = f"did not answer within {timeout:g} s"
    except httpx.ConnectError:
        reason = "cannot be reached (connection refused or host unknown)"
    except httpx.HTTPError as error:
        reason = f"failed: {type(error).__name__}"
    except ValueError:
        reason = "answered with something that is not JSON"
    else:
        if answer.status_code in (401, 403):
            reason = (
                f"refused the gateway's request ({answer.status_code}: {_error_message(answer)})"
            )
        elif answer.status_code != 200:
            reason = f"answered HTTP {answer.status_code}: {_error_message(answer)}"
        elif not isinstance(body, dict):
            reason = "answered with JSON that is not an object"
        else:
            await cache.set(key, body, ttl=ttl, tags=[country_tag(slug)])
            return CountryAnswer(slug, target, body)
    log.warning("rollup: country %s at %s %s", target.code, target.api_url, reason)
    return CountryAnswer(slug, target, None, reason)


async def fan_out(
    *,
    client: httpx.AsyncClient,
    targets: dict[str, CountryTarget],
    path: str,
    params: dict[str, str],
    tokens: dict[str, str | None],
    cache: Cache,
    ttl: float,
) -> dict[str, CountryAnswer]:
    answers = await asyncio.gather(
        *(
            fetch_country(
                client=client,
                slug=slug,
                target=target,
                path=path,
                params=params,
                token=tokens.get(slug),
                cache=cache,
                ttl=ttl,
            )
            for slug, target in targets.items()
        )
    )
    return {answer.slug: answer for answer in answers}
