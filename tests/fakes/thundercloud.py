"""A fake SparkMeter ThunderCloud (v0): customer lookup and form-posted transactions.

    with FakeThunderCloud(customers={"0045MAK"}) as tc:
        platform = ThunderCloudPlatform(base_url=tc.url, token=tc.token)

`GET /api/v0/customer/{code}` → `{"customers": [{"id", "code", "credit_balance", …}]}` (404
`{"error", "status": "failure"}` for an unknown code); `GET /api/v0/customers` lists them;
`POST /api/v0/transaction/` (form: `customer_id`, `amount`, `source`, `external_id`) →
`{"status": "success", "transaction_id"}`, applied once per `external_id` (`credits`); a repeat
answers 400 "external_id … already exists" and is counted in `repeats`. With `customers=None`
every customer code exists. `POST /api/v0/customer/` (form: `code`, `name`, optional
`phone_number`, `meter_serial`) creates a customer (`created`) → `{"status": "success",
"customer": {"id", "code"}}`; a repeated code answers 400 "customer with code … already
exists".
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from tests.fakes.server import FakeServer, RecordedRequest, Reply

CUSTOMER_PREFIX = "/api/v0/customer/"


@dataclass(frozen=True)
class ThunderCloudCredit:
    transaction_id: str
    external_id: str
    customer_id: str
    customer_code: str
    amount: str
    source: str


def customer_uuid(code: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"thundercloud:{code}"))


class FakeThunderCloud(FakeServer):
    def __init__(
        self,
        *,
        customers: Iterable[str] | None = None,
        token: str = "tc-token",  # noqa: S107  (a fake's credentials)
        seed: int = 0,
    ) -> None:
        super().__init__(seed=seed)
        self.token = token
        self.customers: set[str] | None = set(customers) if customers is not None else None
        self.credits: dict[str, ThunderCloudCredit] = {}
        self.repeats: Counter[str] = Counter()
        self._codes_by_id: dict[str, str] = {}
        self._ids: dict[str, str] = {}
        self.created: dict[str, dict[str, str]] = {}
        """Customers created through the API, by code."""
        for code in self.customers or ():
            self._codes_by_id[customer_uuid(code)] = code

    def recreate_customer(self, code: str) -> None:
        """The customer deleted and created again on the platform: same code, a new id."""
        with self.lock:
            self._codes_by_id = {i: c for i, c in self._codes_by_id.items() if c != code}
            self._ids[code] = str(uuid.uuid4())
            self._codes_by_id[self._ids[code]] = code

    def add_customer(self, code: str) -> None:
        with self.lock:
            if self.customers is not None:
                self.customers.add(code)
            self._codes_by_id[customer_uuid(code)] = code

    def credit_requests(self) -> list[RecordedRequest]:
        return self.requests_to("/api/v0/transaction/", method="POST")

    def state(self) -> dict[str, object]:
        return {
            "requests": len(self.requests),
            "credits": {key: credit.amount for key, credit in self.credits.items()},
            "repeats": dict(self.repeats),
        }

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"error": message, "status": "failure"})

    def handle(self, request: RecordedRequest) -> Reply:
        if request.headers.get("authentication-token") != self.token:
            return self.error_reply(401, "Unauthorized")
        if request.method == "GET" and request.path.startswith(CUSTOMER_PREFIX):
            return self._lookup(unquote(request.path.removeprefix(CUSTOMER_PREFIX)))
        if request.method == "GET" and request.path == "/api/v0/customers":
            with self.lock:
                codes = sorted(set(self._codes_by_id.values()))
            return Reply(200, {"customers": [self._customer(code) for code in codes]})
        if request.method == "POST" and request.path == CUSTOMER_PREFIX:
            return self._create_customer(request.form())
        if request.method == "POST" and request.path == "/api/v0/transaction/":
            return self._transaction(request.form())
        return self.error_reply(404, f"no route {request.method} {request.path}")

    def _create_customer(self, form: dict[str, str]) -> Reply:
        for name in ("code", "name"):
            if not form.get(name):
                return self.error_reply(400, f"{name} is required")
        code = form["code"]
        with self.lock:
            known = self.customers is not None and code in self.customers
            if code in self.created or known:
                return self.error_reply(400, f"customer with code {code} already exists")
            self.created[code] = dict(form)
            if self.customers is not None:
                self.customers.add(code)
            self._codes_by_id[customer_uuid(code)] = code
        return Reply(
            200, {"status": "success", "customer": {"id": customer_uuid(code), "code": code}}
        )

    def _lookup(self, code: str) -> Reply:
        with self.lock:
            if not code or (self.customers is not None and code not in self.customers):
                return self.error_reply(404, f"customer {code} not found")
            self._codes_by_id[self._ids.get(code) or customer_uuid(code)] = code
            return Reply(200, {"customers": [self._customer(code)]})

    def _customer(self, code: str) -> dict[str, object]:
        with self.lock:
            credit = sum(
                (Decimal(c.amount) for c in self.credits.values() if c.customer_code == code),
                Decimal(0),
            )
        return {
            "id": self._ids.get(code) or customer_uuid(code),
            "code": code,
            "credit_balance": float(credit),
            "debt_balance": 0,
            "meters": [],
        }

    def _transaction(self, form: dict[str, str]) -> Reply:
        for name in ("customer_id", "amount", "source", "external_id"):
            if not form.get(name):
                return self.error_reply(400, f"{name} is required")
        try:
            amount = Decimal(form["amount"])
        except InvalidOperation:
            return self.error_reply(400, "amount is not a number")
        if amount <= 0:
            return self.error_reply(400, "amount must be positive")
        external_id = form["external_id"]
        with self.lock:
            code = self._codes_by_id.get(form["customer_id"])
            if code is None:
                return self.error_reply(400, f"customer {form['customer_id']} not found")
            if external_id in self.credits:
                self.repeats[external_id] += 1
                return self.error_reply(
                    400, f"a transaction with external_id {external_id} already exists"
                )
            credit = ThunderCloudCredit(
                transaction_id=str(uuid.uuid4()),
                external_id=external_id,
                customer_id=form["customer_id"],
                customer_code=code,
                amount=form["amount"],
                source=form["source"],
            )
            self.credits[external_id] = credit
        return Reply(200, {"status": "success", "transaction_id": credit.transaction_id})
