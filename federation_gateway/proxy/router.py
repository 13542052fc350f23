"""`/api/{cc}/{path}` → that country's `/api/{path}`, so the browser talks to one origin.

The gateway does not check tokens here: it passes the caller's `Authorization` header on and
the country API verifies it (signature, country, role). Unknown country → 404; a country that
refuses, drops or times out the connection → 502 naming the country.

Only `/api/…` is ever reached: a path with a `.` or `..` segment (`/api/ls/../metrics`, also
percent-encoded) is 404 here, since the outgoing URL would be normalised to outside `/api/`
(the country's `/metrics`), and the path is percent-encoded again so that a decoded `?` or `#`
stays part of it (a NUL byte never gets this far: `gridcare/core/http_guards.py` refuses it).
The URL finally built is checked once more to be under the country's `/api/`.

Redirects are never followed, and never passed on with an internal address: a country's 3xx
pointing into its own `/api/…` (FastAPI's trailing-slash redirect) gets a `Location` under
the gateway's `/api/{cc}/…`; one pointing anywhere else is a 502. The gateway's request id
goes along as `X-Request-ID`, so one id marks the request in both services' logs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from federation_gateway.config import CountryTarget, Settings
from federation_gateway.deps import HttpDep, SettingsDep
from gridcare.core.errors import AppError, NotFound
from gridcare.core.observability import current_request_id

router = APIRouter(tags=["proxy"])
log = logging.getLogger(__name__)

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
NOT_FORWARDED = HOP_BY_HOP | {"host", "content-length", "x-request-id"}
PATH_SAFE = "/:@!$&'()*+,;=~"  # RFC 3986 path characters that stay as they are
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class CountryUnavailable(AppError):
    status_code = 502
    code = "country_unavailable"


def _forwarded_headers(headers: httpx.Headers, drop: frozenset[str]) -> list[tuple[str, str]]:
    """Headers minus hop-by-hop ones, including any the `Connection` header names."""
    named_in_connection = {
        name.strip().lower()
        for value in headers.get_list("connection")
        for name in value.split(",")
    }
    return [
        (name, value)
        for name, value in headers.multi_items()
        if name.lower() not in drop and name.lower() not in named_in_connection
    ]


def _target(settings: Settings, cc: str) -> CountryTarget:
    target = settings.country(cc)
    if target is None:
        known = ", ".join(sorted(settings.countries))
        raise NotFound(f"no country {cc!r} behind this gateway (known: {known})")
    return target


def _country_path(path: str) -> str:
    """`path` as the country's `/api/{path}` will read it; 404 if it would leave `/api/`."""
    if any(segment in (".", "..") for segment in path.split("/")):
        raise NotFound("no such path: '.' and '..' segments are not forwarded")
    return quote(path, safe=PATH_SAFE)


def _unavailable(target: CountryTarget, error: httpx.HTTPError) -> CountryUnavailable:
    if isinstance(error, httpx.TimeoutException):
        reason = f"did not answer within {target.timeout_seconds:g} s"
    elif isinstance(error, httpx.ConnectError):
        reason = "cannot be reached (connection refused or host unknown: is it running?)"
    else:
        reason = f"failed: {type(error).__name__}"
    log.warning("country %s at %s %s: %s", target.code, target.api_url, reason, error)
    return CountryUnavailable(f"the {target.config.name} ({target.code}) API {reason}")


async def forward(
    cc: str, path: str, request: Request, settings: SettingsDep, client: HttpDep
) -> StreamingResponse:
    target = _target(settings, cc)
    country_path = _country_path(path)
    headers = _forwarded_headers(httpx.Headers(request.headers.raw), NOT_FORWARDED)
    if (request_id := current_request_id()) is not None:
        headers.append(("x-request-id", request_id))
    if request.client is not None:
        previous = request.headers.get("x-forwarded-for")
        chain = f"{previous}, {request.client.host}" if previous else request.client.host
        headers = [(n, v) for n, v in headers if n.lower() != "x-forwarded-for"]
        headers.append(("x-forwarded-for", chain))
    query = request.url.query
    outgoing = client.build_request(
        request.method,
        f"{target.api_url}/api/{country_path}" + (f"?{query}" if query else ""),
        headers=headers,
        content=await request.body(),
        timeout=target.timeout_seconds,
    )
    if not _under_api(outgoing.url, target):
        raise NotFound("no such path: only the country's /api/… is forwarded")
    try:
        answer = await client.send(outgoing, stream=True)
    except httpx.HTTPError as error:
        raise _unavailable(target, error) from None
    answer_headers = [
        (name, value)
        for name, value in _forwarded_headers(answer.headers, HOP_BY_HOP)
        if name.lower() != "location"
    ]
    if "location" in answer.headers:
        location = _public_location(answer.headers["location"], target)
        if location is not None:
            answer_headers.append(("location", location))
        elif answer.is_redirect:
            await answer.aclose()
            log.warning("country %s redirected %s outside its /api/", target.code, outgoing.url)
            raise CountryUnavailable(
                f"the {target.config.name} ({target.code}) API answered with a redirect"
                " outside its /api/"
            )
    response = StreamingResponse(
        _relay(answer, target),
        status_code=answer.status_code,
        background=BackgroundTask(answer.aclose),
    )
    response.raw_headers = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in answer_headers
    ]
    return response


def _api_prefix(target: CountryTarget) -> bytes:
    return httpx.URL(target.api_url).raw_path.rstrip(b"/") + b"/api/"


def _under_api(url: httpx.URL, target: CountryTarget) -> bool:
    """Whether `url` (as httpx will send it, dot segments resolved) is the country's `/api/…`."""
    base = httpx.URL(target.api_url)
    return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port) and (
        url.raw_path.startswith(_api_prefix(target))
    )


def _public_location(location: str, target: CountryTarget) -> str | None:
    """A country's redirect as the browser may see it: `/api/{cc}/…` on the gateway for one
    into the country's own `/api/…`; None for anywhere else (never an internal address)."""
    try:
        resolved = httpx.URL(f"{target.api_url}/api/").join(location)
    except httpx.InvalidURL:
        return None
    if not _under_api(resolved, target) or any(
        segment in (".", "..") for segment in resolved.path.split("/")
    ):
        return None
    rest = resolved.raw_path.removeprefix(_api_prefix(target)).decode("ascii")
    return f"/api/{target.code.lower()}/{rest}"


async def _relay(answer: httpx.Response, target: CountryTarget) -> AsyncIterator[bytes]:
    try:
        async for chunk in answer.aiter_raw():
            yield chunk
    except httpx.HTTPError as error:
        # Headers are already sent: all we can do is stop and leave a trace.
        log.warning("country %s broke off its answer: %s", target.code, error)
    finally:
        await answer.aclose()  # also when the browser goes away mid-answer


WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANY_JSON_BODY = {
    "requestBody": {"required": False, "content": {"application/json": {"schema": {}}}}
}

for _method in METHODS:  # one route per method, so each has its own OpenAPI operation id
    router.add_api_route(
        "/api/{cc}/{path:path}",
        forward,
        methods=[_method],
        operation_id=f"forward_{_method.lower()}",
        summary=f"Forward {_method} to a country's API",
        responses={
            404: {"description": "unknown country, or a path outside the country's /api/"},
            502: {"description": "the country's API is down, not answering, or redirecting"},
            "default": {"description": "what the country's API answered"},
        },
        openapi_extra=ANY_JSON_BODY if _method in WITH_BODY else None,
    )
