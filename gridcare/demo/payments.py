"""Demo payments: two years of mobile-money history for every demo account, plus an inbox.

The bulk equivalent of the ledger: each payment is split by the same `split_payment` (fee debt,
exact fee amounts) and converted by the same `kwh_for` at the resolved tariff as
`country_api.payments.ledger.post_payment`, then written with COPY. Every payment has the SMS
(or webhook-free) text it came from in the inbox; its meter credit is recorded as delivered. A
few payments are reversed; some unmatched and unparsed messages wait in the inbox for staff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
from sqlalchemy import Engine, text
from sqlmodel import Session

from country_api.payments.fees import split_payment
from country_api.payments.ledger import kwh_for
from country_api.tariffs.service import resolve_tariff, seed_country_default
from gridcare.core.countries import CountryConfig
from gridcare.core.db import unit_of_work
from gridcare.core.money import major_string, to_minor
from gridcare.demo.bulk import allocate_ids, copy_rows

HISTORY_DAYS = 730
MOOV_TEMPLATE_NAME = "Moov received"
MOOV_TEMPLATE = "recu {amount} FCFA de {phone}. Ref: {txn_id}. Motif: {account}"
REVERSAL_SHARE = 0.003
UNMATCHED_COUNT = 25
UNPARSED_COUNT = 15
PROVIDERS = {
    "LS": [("mpesa", 75), ("ecocash", 25)],
    "BN": [("mtn_momo", 85), ("moov_bj", 15)],
}
SENDERS = {"mpesa": "MPESA", "ecocash": "199", "mtn_momo": "MTN MoMo", "moov_bj": "MoovMoney"}
GARBAGE = [
    "Ke kopa thuso, motlakase o timile",
    "Dial *111# to win 1GB for M10",
    "Your airtime balance is M2.50",
    "Bonjour, le compteur ne marche plus",
    "Svp 500F pour 0007KOT merci",
    "Celtiis: offre speciale 1Go a 500F",
    "ok",
    "Thanks, see you tomorrow",
]


@dataclass(frozen=True)
class _Account:
    id: int
    number: str
    site: str
    customer_id: int
    phone: str | None
    customer_type: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None


def seed_payments(*, engine: Engine, country: CountryConfig, rng: random.Random) -> None:
    if country.code not in PROVIDERS:
        return
    with unit_of_work(engine) as session:
        seed_country_default(session=session, country=country)
    with engine.begin() as connection:
        if connection.execute(text("SELECT EXISTS (SELECT 1 FROM payments)")).scalar():
            return
        accounts = _accounts(connection)
        if not accounts:
            return
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        with Session(bind=connection) as session:
            tariffs = {
                site.code: resolve_tariff(
                    session=session,
                    country=country,
                    site_code=site.code,
                    customer_id=None,
                    at=now,
                )
                for site in country.sites
            }
        if country.code == "BN":
            connection.execute(
                text(
                    "INSERT INTO sms_templates (name, provider, sender, pattern, created_by)"
                    " VALUES (:name, 'moov_bj', 'MoovMoney', :pattern, 'demo')"
                    " ON CONFLICT (name) DO NOTHING"
                ),
                {"name": MOOV_TEMPLATE_NAME, "pattern": MOOV_TEMPLATE},
            )
        raw = connection.connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        writer = _Writer(raw.cursor(), country, rng, tariffs)
        for account in accounts:
            writer.history(account, now)
        writer.inbox_extras(accounts, now)
        writer.flush()


def _accounts(connection: Any) -> list[_Account]:
    result = connection.execute(
        text(
            "SELECT a.id, a.account_number, a.site_code, a.customer_id, c.phone,"
            " c.customer_type, a.opened_at, a.closed_at"
            " FROM accounts a JOIN customers c ON c.id = a.customer_id ORDER BY a.id"
        )
    )
    return [_Account(*row) for row in result]


class _Writer:
    def __init__(
        self,
        cursor: psycopg.Cursor[Any],
        country: CountryConfig,
        rng: random.Random,
        tariffs: dict[str, Any],
    ) -> None:
        self.cursor, self.country, self.rng, self.tariffs = cursor, country, rng, tariffs
        self.payments: list[dict[str, Any]] = []
        self.fees: list[tuple[int, int, str, int]] = []
        self.charges: list[tuple[int, str, int, dt.datetime]] = []
        self.messages: list[dict[str, Any]] = []
        self.references: set[str] = set()

    def history(self, account: _Account, now: dt.datetime) -> None:
        start = max(account.opened_at, now - dt.timedelta(days=HISTORY_DAYS))
        end = min(account.closed_at or now, now)
        owed = {
            item.code: to_minor(item.amount, self.country.currency)
            for item in self.country.fees.items
        }
        if owed:
            for code, amount in owed.items():
                self.charges.append((account.id, code, amount, start))
        habit = self.rng.lognormvariate(0, 0.45)  # some households buy more than others
        day = start + dt.timedelta(days=self.rng.uniform(0, 10))
        first = True
        while day < end:
            amount = self._amount(account, habit, first=first, owed=owed)
            self._pay(account, amount, day, owed)
            first = False
            top_up = self.rng.random() < 0.15  # a mid-month top-up now and then
            day += dt.timedelta(
                days=self.rng.randint(8, 14) if top_up else self.rng.randint(26, 35)
            )
            day = day.replace(hour=self.rng.randint(6, 20), minute=self.rng.randint(0, 59))

    def _amount(self, account: _Account, habit: float, *, first: bool, owed: dict[str, int]) -> int:
        currency = self.country.currency
        if first and owed and self.rng.random() < 0.4:  # many start by paying the connection fee
            return next(iter(owed.values()))
        if self.country.code == "BN":
            base = {"household": 1500, "business": 5000, "institution": 8000}[account.customer_type]
            value = max(200, round(base * habit * self.rng.uniform(0.5, 1.6) / 100) * 100)
            return to_minor(Decimal(value), currency)
        base = {"household": 60, "business": 200, "institution": 300}[account.customer_type]
        value = max(10, round(base * habit * self.rng.uniform(0.5, 1.6) / 5) * 5)
        return to_minor(Decimal(value), currency)

    def _pay(self, account: _Account, amount: int, when: dt.datetime, owed: dict[str, int]) -> None:
        provider = self._provider()
        split = split_payment(country=self.country, owed=owed, amount_minor=amount)
        for code, paid in split.fees:
            owed[code] -= paid
        tariff = self.tariffs.get(account.site)
        rate = tariff.rate_per_kwh if tariff is not None else None
        reference = self._reference(provider)
        payer = account.phone if account.phone and self.rng.random() < 0.85 else self._phone()
        payment = {
            "account": account,
            "provider": provider,
            "reference": reference,
            "amount_minor": amount,
            "electricity_minor": split.electricity_minor,
            "fees": split.fees,
            "kwh": kwh_for(split.electricity_minor, self.country.currency, rate),
            "rate": rate,
            "tariff_id": tariff.id if tariff is not None else None,
            "paid_at": when,
            "payer": payer,
            "outcome": "fee" if split.exact_fee else "payment",
        }
        self.payments.append(payment)
        self.messages.append(self._message(payment))

    def inbox_extras(self, accounts: list[_Account], now: dt.datetime) -> None:
        for _ in range(UNMATCHED_COUNT):
            when = now - dt.timedelta(days=self.rng.uniform(0, 60))
            amount = to_minor(
                Decimal(self.rng.choice((20, 50, 100, 1000, 2000))), self.country.currency
            )
            provider = self._provider()
            fake = {
                "account": None,
                "provider": provider,
                "reference": self._reference(provider),
                "amount_minor": amount,
                "paid_at": when,
                "payer": self._phone(),
                "outcome": "unmatched",
                "remark": self.rng.choice(("electricity", "9999ZZZ", "ntate", "compteur")),
            }
            self.messages.append(self._message(fake))
        for _ in range(UNPARSED_COUNT):
            when = now - dt.timedelta(days=self.rng.uniform(0, 60))
            body = self.rng.choice(GARBAGE)
            self.messages.append(
                {
                    "sender": self._phone(),
                    "content": body,
                    "at": when,
                    "outcome": "unparsed",
                    "reason": "no parser or template recognised this message",
                    "payment": None,
                }
            )

    def _message(self, payment: dict[str, Any]) -> dict[str, Any]:
        account = payment["account"]
        remark = payment.get("remark") or (account.number if account else "")
        amount = major_string(payment["amount_minor"], self.country.currency)
        when: dt.datetime = payment["paid_at"]
        local = when.astimezone(self.country.zone)
        provider = payment["provider"]
        if provider == "moov_bj":
            content = (
                f"Vous avez recu {amount} FCFA de {payment['payer']}. "
                f"Ref: {payment['reference']}. Motif: {remark}"
            )
        elif self.country.code == "BN":
            stamp = local.strftime("%Y-%m-%d %H:%M:%S")
            content = (
                f"Paiement {amount}F de CLIENT ({payment['payer']}) {stamp} "
                f"Message:{remark} Solde:{self.rng.randint(10_000, 900_000)}F "
                f"ID:{payment['reference']}"
            )
        else:
            stamp = f"{local.day}/{local.month}/{local:%y} at {local:%I:%M %p}".replace(" 0", " ")
            brand = "EcoCash: " if provider == "ecocash" else ""
            content = (
                f"{payment['reference']} Confirmed. on {stamp}\n{brand}M{amount} received from "
                f"{payment['payer']}. Reference: {self.rng.randint(1, 999999)}\nRemark: {remark}"
            )
        reason = "no account for the message's tokens or phone" if account is None else None
        return {
            "sender": SENDERS[provider],
            "content": content,
            "at": when,
            "outcome": payment["outcome"],
            "reason": reason,
            "payment": payment,
        }

    def flush(self) -> None:
        cursor, currency = self.cursor, self.country.currency
        reversed_ = [p for p in self.payments if self.rng.random() < REVERSAL_SHARE]
        ids = allocate_ids(cursor, "payments", len(self.payments) + len(reversed_))
        for payment, payment_id in zip(self.payments, ids, strict=False):
            payment["id"] = payment_id
        rows = [self._payment_row(p, currency) for p in self.payments]
        fee_rows = [
            (p["id"], p["account"].id, code, amount)
            for p in self.payments
            for code, amount in p["fees"]
        ]
        for payment, reversal_id in zip(reversed_, ids[len(self.payments) :], strict=True):
            when = payment["paid_at"] + dt.timedelta(days=self.rng.uniform(0.1, 3))
            rows.append(self._payment_row(payment, currency, reversal=(reversal_id, when)))
            fee_rows += [
                (reversal_id, payment["account"].id, code, -amount)
                for code, amount in payment["fees"]
            ]
        copy_rows(cursor, "payments", PAYMENT_COLUMNS, rows)
        copy_rows(
            cursor,
            "fee_charges",
            ("account_id", "fee_code", "amount_minor", "charged_at"),
            self.charges,
        )
        copy_rows(
            cursor,
            "payment_fees",
            ("payment_id", "account_id", "fee_code", "amount_minor"),
            fee_rows,
        )
        copy_rows(
            cursor,
            "credit_outbox",
            (
                "payment_id",
                "site_code",
                "platform",
                "status",
                "attempts",
                "next_attempt_at",
                "created_at",
                "updated_at",
                "done_at",
            ),
            [
                (
                    p["id"],
                    p["account"].site,
                    self.country.site_platform(p["account"].site),
                    "done",
                    1,
                    p["paid_at"],
                    p["paid_at"],
                    p["paid_at"],
                    p["paid_at"] + dt.timedelta(seconds=self.rng.uniform(1, 30)),
                )
                for p in self.payments
                if p["electricity_minor"] > 0
            ],
        )
        copy_rows(
            cursor,
            "sms_messages",
            MESSAGE_COLUMNS,
            [self._message_row(m, n) for n, m in enumerate(self.messages)],
        )

    def _payment_row(
        self, p: dict[str, Any], currency: str, reversal: tuple[int, dt.datetime] | None = None
    ) -> tuple[Any, ...]:
        sign = -1 if reversal else 1
        fee_minor = sum(amount for _, amount in p["fees"])
        return (
            reversal[0] if reversal else p["id"],
            p["account"].id,
            "reversal" if reversal else "payment",
            p["provider"],
            f"{p['reference']}#reversal" if reversal else p["reference"],
            sign * p["amount_minor"],
            currency,
            sign * p["electricity_minor"],
            sign * fee_minor,
            sign * p["kwh"],
            p["rate"],
            p["tariff_id"],
            reversal[1] if reversal else p["paid_at"],
            "reversal" if reversal else "sms",
            p["payer"],
            p["id"] if reversal else None,
            "demo-finance" if reversal else None,
            "demo: payment sent to the wrong account" if reversal else None,
        )

    def _message_row(self, message: dict[str, Any], index: int) -> tuple[Any, ...]:
        payment = message["payment"]
        at: dt.datetime = message["at"]
        account = payment["account"] if payment else None
        return (
            f"demo-{index}",
            message["sender"],
            message["content"],
            hashlib.sha256(message["content"].encode()).hexdigest(),
            at,
            at + dt.timedelta(seconds=2),
            at + dt.timedelta(seconds=3),
            message["outcome"],
            message["reason"],
            payment.get("id") if payment else None,
            account.number if account else None,
            json.dumps(self._parsed(payment)) if payment else None,
            self._parser(payment["provider"]) if payment else None,
        )

    def _parsed(self, payment: dict[str, Any]) -> dict[str, Any]:
        """What the parser finds in the message, as live ingest stores it (for allocation)."""
        account = payment["account"]
        return {
            "provider": payment["provider"],
            "reference": payment["reference"],
            "synthetic_reference": False,
            "amount_minor": payment["amount_minor"],
            "currency": self.country.currency,
            "payer_phone": payment["payer"],
            "remark": account.number if account else payment.get("remark"),
            "account_candidates": [account.number] if account else [],
            "paid_at": payment["paid_at"].isoformat(),
        }

    def _parser(self, provider: str) -> str:
        if provider == "moov_bj":
            return f"template:{MOOV_TEMPLATE_NAME}"
        return {"mpesa": "mpesa_ls", "ecocash": "ecocash_ls"}.get(provider, "momo_bj")

    def _provider(self) -> str:
        names, weights = zip(*PROVIDERS[self.country.code], strict=True)
        return str(self.rng.choices(names, weights=weights)[0])

    def _reference(self, provider: str) -> str:
        while True:
            if provider == "moov_bj":
                reference = f"MV{self.rng.randint(100_000, 999_999)}"
            elif self.country.code == "BN":
                reference = str(self.rng.randint(10_000_000, 99_999_999))
            else:
                reference = "".join(self.rng.choices(string.ascii_uppercase + string.digits, k=10))
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _phone(self) -> str:
        if self.country.code == "BN":
            return "22901" + "".join(self.rng.choices(string.digits, k=8))
        return "266" + self.rng.choice("56") + "".join(self.rng.choices(string.digits, k=7))


PAYMENT_COLUMNS = (
    "id",
    "account_id",
    "kind",
    "provider",
    "reference",
    "amount_minor",
    "currency",
    "electricity_minor",
    "fee_minor",
    "kwh",
    "rate",
    "tariff_id",
    "paid_at",
    "source",
    "payer_phone",
    "reverses_id",
    "recorded_by",
    "note",
)
MESSAGE_COLUMNS = (
    "gateway_message_id",
    "sender",
    "content",
    "content_hash",
    "sms_sent",
    "sms_received",
    "received_at",
    "outcome",
    "reason",
    "payment_id",
    "account_number",
    "parsed",
    "parser",
)
