"""A fake SparkMeter Koios: v1 payments and customers, v2 historical readings.

    with FakeKoios(customers={"0252SHG"}) as koios:
        platform = KoiosPlatform(base_url=koios.url, key=koios.api_key, secret=koios.api_secret)
        ...
        assert set(koios.credits) == {"123"}        # applied credits by external_id

Credits are applied once per `external_id`; a repeat answers 422 "external_id has already been
taken" and is counted in `repeats`. With `customers=None` every customer code exists.
`POST /api/v1/customers` (`code`, `name`, optional `phone_number`, `meter_serial`) creates a
customer (`created`, 201 `{"data": {"id", "code", …}}`); a repeated code answers 422 "code has
already been taken". A credit to an unknown customer answers 404 "Customer not found". Readings
for v2 are loaded with `add_readings` and served sorted by time in cursor pages.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tests.fakes.server import FakeServer, RecordedRequest, Reply

HISTORICAL_PATH = re.compile(r"^/api/v2/organizations/(?P<org>[^/]+)/data/historical$")
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class KoiosCredit:
    id: str
    external_id: str
    customer_code: str
    amount: str
    memo: str


@dataclass(frozen=True)
class HistoricalRow:
    serial: str
    at: dt.datetime
    kwh: Decimal | float
    customer_code: str | None = None


class FakeKoios(FakeServer):
    def __init__(
        self,
        *,
        customers: Iterable[str] | None = None,
        api_key: str = "test-key",
        api_secret: str = "test-secret",  # noqa: S107  (a fake's credentials)
        seed: int = 0,
    ) -> None:
        super().__init__(seed=seed)
        self.api_key = api_key
        self.api_secret = api_secret
        self.customers: set[str] | None = set(customers) if customers is not None else None
        self.credits: dict[str, KoiosCredit] = {}
        self.repeats: Counter[str] = Counter()
        self._readings: dict[tuple[str, str], list[HistoricalRow]] = {}
        self._cursors: dict[str, tuple[tuple[str, ...], int]] = {}
        self._cursor_ids = itertools.count(1)
        self.created: dict[str, dict[str, str]] = {}
        """Customers created through the API, by code."""

    def add_customer(self, code: str) -> None:
        with self.lock:
            if self.customers is not None:
                self.customers.add(code)

    def add_readings(self, *, org: str, site: str, rows: Iterable[HistoricalRow]) -> None:
        with self.lock:
            self._readings.setdefault((org, site), []).extend(rows)

    def historical_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests_to("/api/v2/") if HISTORICAL_PATH.match(r.path)]

    def credit_requests(self) -> list[RecordedRequest]:
        return self.requests_to("/api/v1/payments", method="POST")

    def state(self) -> dict[str, object]:
        return {
            "requests": len(self.requests),
            "credits": {key: credit.amount for key, credit in self.credits.items()},
            "repeats": dict(self.repeats),
        }

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"errors": [{"title": message}]})

    def handle(self, request: RecordedRequest) -> Reply:
        if (
            request.headers.get("x-api-key") != self.api_key
            or request.headers.get("x-api-secret") != self.api_secret
        ):
            return self.error_reply(401, "Unauthorized")
        if request.path == "/api/v1/payments" and request.method == "POST":
            return self._create_payment(request.json())
        if request.path == "/api/v1/payments" and request.method == "GET":
            external_id = request.query.get("external_id", [""])[0]
            with self.lock:
                found = [self._payment(c) for c in self.credits.values()]
            return Reply(200, {"data": [p for p in found if p["external_id"] == external_id]})
        if request.path == "/api/v1/customers" and request.method == "POST":
            return self._create_customer(request.json())
        if request.path == "/api/v1/customers" and request.method == "GET":
            return self._customer(request.query.get("code", [""])[0])
        match = HISTORICAL_PATH.match(request.path)
        if match and request.method == "POST":
            return self._historical(match["org"], request.json())
        return self.error_reply(404, f"no route {request.method} {request.path}")

    def _create_customer(self, body: dict[str, object]) -> Reply:
        for name in ("code", "name"):
            if not body.get(name):
                return self.error_reply(422, f"{name} can't be blank")
        code = str(body["code"])
        with self.lock:
            if code in self.created or (self.customers is not None and code in self.customers):
                return self.error_reply(422, "code has already been taken")
            record = {key: str(value) for key, value in body.items() if value is not None}
            record["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, code))
            self.created[code] = record
            if self.customers is not None:
                self.customers.add(code)
        return Reply(201, {"data": record})

    def _known(self, code: str) -> bool:
        return self.customers is None or code in self.customers

    def _create_payment(self, body: dict[str, object]) -> Reply:
        for name in ("customer_code", "amount", "external_id"):
            if not body.get(name):
                return self.error_reply(422, f"{name} can't be blank")
        code, external_id = str(body["customer_code"]), str(body["external_id"])
        try:
            amount = Decimal(str(body["amount"]))
        except InvalidOperation:
            return self.error_reply(422, "amount is not a number")
        if not isinstance(body["amount"], str) or amount <= 0:
            return self.error_reply(422, "amount must be a positive currency string")
        with self.lock:
            if not self._known(code):
                return self.error_reply(404, f"Customer not found: {code}")
            if external_id in self.credits:
                self.repeats[external_id] += 1
                return self.error_reply(422, "external_id has already been taken")
            credit = KoiosCredit(
                id=str(uuid.uuid4()),
                external_id=external_id,
                customer_code=code,
                amount=str(body["amount"]),
                memo=str(body.get("memo") or ""),
            )
            self.credits[external_id] = credit
        return Reply(201, {"data": self._payment(credit)})

    def _payment(self, credit: KoiosCredit) -> dict[str, object]:
        return {
            "id": credit.id,
            "recipient_id": str(uuid.uuid5(uuid.NAMESPACE_URL, credit.customer_code)),
            "amount": {"value": credit.amount},
            "memo": credit.memo,
            "external_id": credit.external_id,
            "status": "processed",
        }

    def _customer(self, code: str) -> Reply:
        with self.lock:
            if not code or not self._known(code):
                return Reply(200, {"data": []})
            credit = sum(
                (Decimal(c.amount) for c in self.credits.values() if c.customer_code == code),
                Decimal(0),
            )
        return Reply(
            200, {"data": [{"code": code, "balances": {"credit": {"value": str(credit)}}}]}
        )

    def _historical(self, org: str, body: dict[str, object]) -> Reply:
        filters = body.get("filters")
        if not isinstance(filters, dict):
            return self.error_reply(422, "filters is required")
        sites = filters.get("sites") or []
        dates = filters.get("date_range") or {}
        first = dt.date.fromisoformat(dates["from"])
        last = dt.date.fromisoformat(dates["to"])
        per_page = int(body.get("per_page") or 50)
        if not 1 <= per_page <= MAX_PER_PAGE:
            return self.error_reply(422, f"per_page must be between 1 and {MAX_PER_PAGE}")
        query = (org, *sorted(sites), first.isoformat(), last.isoformat())
        with self.lock:
            offset = 0
            if body.get("cursor") is not None:
                known = self._cursors.pop(str(body["cursor"]), None)
                if known is None or known[0] != query:
                    return self.error_reply(400, "cursor is invalid or expired")
                offset = known[1]
            rows = sorted(
                (
                    row
                    for site in sites
                    for row in self._readings.get((org, site), [])
                    if first <= row.at.astimezone(dt.UTC).date() <= last
                ),
                key=lambda row: (row.at, row.serial),
            )
            page = rows[offset : offset + per_page]
            has_more = offset + per_page < len(rows)
            cursor = None
            if has_more:
                cursor = f"cur-{next(self._cursor_ids)}"
                self._cursors[cursor] = (query, offset + per_page)
        return Reply(
            200,
            {
                "data": [_reading_json(row) for row in page],
                "pagination": {"count": len(page), "has_more": has_more, "cursor": cursor},
            },
        )


def _reading_json(row: HistoricalRow) -> dict[str, object]:
    meter: dict[str, object] = {"serial_number": row.serial}
    meter["customer"] = {"code": row.customer_code} if row.customer_code else None
    return {
        "timestamp": row.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kilowatt_hours": float(row.kwh),
        "meter": meter,
    }
