"""Bounds on what a request may name, shared by every route: stored ids, pages, instants.

PostgreSQL refuses what Python accepts (an `integer` key is at most 2³¹ - 1, an offset must fit
its type, a timestamp past year 9999 in Python overflows), and a refusal there is a 500. These
types stop such values at the edge with a 4xx:

- `StoredId`, a path id: one that cannot exist (≤ 0 or ≥ 2³¹) is 404, like any other id that
  names no row (`GET /api/payments/2147483648` → 404);
- `IdFilter`, a query or body id: out of range is 422 naming the field;
- `Page`, `PageSize`: bounded so that `(page - 1) * page_size` always fits an offset;
- `Instant`, `Day`: between `EARLIEST` and `LATEST`, so arithmetic on them (a day added, a
  timezone applied) never leaves what Python and PostgreSQL can hold.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query
from pydantic import AfterValidator, BaseModel, Field

from gridcare.core.errors import NotFound

INT4_MAX = 2**31 - 1
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 500
EARLIEST = dt.date(1970, 1, 1)
LATEST = dt.date(2199, 12, 31)


def _stored(value: int) -> int:
    if not 1 <= value <= INT4_MAX:
        raise NotFound(f"no such record: {value} is not an id (ids run from 1 to {INT4_MAX})")
    return value


def _within_days(value: dt.date) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


def _within_instants(value: dt.datetime) -> dt.datetime:
    _within_days(value.date())
    return value


StoredId = Annotated[int, AfterValidator(_stored)]
"""An id in a path: 404 (the one error shape) when no row can have it. `NotFound` is not a
`ValueError`, so pydantic lets it through to the app's error handler instead of making it 422."""

IdFilter = Annotated[int, Field(ge=1, le=INT4_MAX)]
"""An id in a query or a body: 422 naming the field when out of range."""

Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="1 for the first page")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]

Day = Annotated[dt.date, AfterValidator(_within_days)]
Instant = Annotated[dt.datetime, AfterValidator(_within_instants)]


def documented_body(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads its JSON body itself (to answer in its own
    protocol) yet should document it: `model`'s schema, nested models inlined."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(definitions[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    content = {"application/json": {"schema": inline(schema)}}
    return {"requestBody": {"required": True, "content": content}}
