"""Rates from a CSV file: `month,currency,usd_per_unit,published_quote,source`, `#` comments.

The shipped file (`federation_gateway/data/fx_monthly_usd.csv`) says in its header where its
figures come from and which months it covers. Loading checks the pegs: every LSL month equals
ZAR's and every XOF month equals EUR / 655.957, so a refreshed file cannot drift from them.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Collection
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path

from federation_gateway.fx.models import RATE_PLACES, XOF_PER_EUR, MonthlyRate
from federation_gateway.fx.protocol import FxProviderError

SHIPPED_FILE = Path(__file__).resolve().parent.parent / "data" / "fx_monthly_usd.csv"
COLUMNS = ["month", "currency", "usd_per_unit", "published_quote", "source"]


def parse_month(text: str) -> dt.date:
    year, _, month = text.strip().partition("-")
    return dt.date(int(year), int(month), 1)


def peg_problems(rates: Collection[MonthlyRate]) -> list[str]:
    """Where LSL ≠ ZAR or XOF ≠ EUR / 655.957 (to the stored 12 places), month by month."""
    table = {(rate.currency, rate.month): rate.usd_per_unit for rate in rates}
    problems = []
    for (currency, month), value in sorted(table.items()):
        if currency == "LSL" and table.get(("ZAR", month)) != value:
            problems.append(f"LSL {month:%Y-%m} is {value}, ZAR is {table.get(('ZAR', month))}")
        if currency == "ZAR" and ("LSL", month) not in table:
            problems.append(f"ZAR {month:%Y-%m} has no LSL row (LSL = ZAR 1:1)")
        if currency == "XOF":
            eur = table.get(("EUR", month))
            expected = None if eur is None else (eur / XOF_PER_EUR).quantize(RATE_PLACES)
            if value != expected:
                problems.append(f"XOF {month:%Y-%m} is {value}, EUR/655.957 is {expected}")
        if currency == "EUR" and ("XOF", month) not in table:
            problems.append(f"EUR {month:%Y-%m} has no XOF row (XOF = EUR / 655.957)")
    return problems


def xof_from_eur(usd_per_eur: Decimal) -> Decimal:
    return (usd_per_eur / XOF_PER_EUR).quantize(RATE_PLACES, ROUND_HALF_EVEN)


class FileFxProvider:
    def __init__(self, path: Path = SHIPPED_FILE) -> None:
        self.path = path
        self.name = f"file:{path.name}"

    def load(self) -> list[MonthlyRate]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise FxProviderError(f"cannot read {self.path}: {error}") from None
        rows = csv.DictReader(line for line in lines if line.strip() and not line.startswith("#"))
        if rows.fieldnames != COLUMNS:
            raise FxProviderError(f"{self.path}: expected the columns {','.join(COLUMNS)}")
        rates = []
        for number, row in enumerate(rows, start=2):
            try:
                rate = MonthlyRate(
                    currency=row["currency"].strip().upper(),
                    month=parse_month(row["month"]),
                    usd_per_unit=Decimal(row["usd_per_unit"]).quantize(RATE_PLACES),
                    source=f"{self.name}: {row['source'].strip()}",
                )
            except (ValueError, InvalidOperation, AttributeError):
                raise FxProviderError(f"{self.path}: row {number} is malformed: {row}") from None
            if rate.usd_per_unit <= 0:
                raise FxProviderError(f"{self.path}: row {number} has a rate that is not > 0")
            rates.append(rate)
        problems = peg_problems(rates)
        if problems:
            raise FxProviderError(f"{self.path} breaks a currency peg: " + "; ".join(problems))
        return rates

    def fetch(
        self,
        *,
        currencies: Collection[str] | None = None,
        first: dt.date | None = None,
        last: dt.date | None = None,
    ) -> list[MonthlyRate]:
        wanted = {code.upper() for code in currencies} if currencies else None
        return [
            rate
            for rate in self.load()
            if (wanted is None or rate.currency in wanted)
            and (first is None or rate.month >= first)
            and (last is None or rate.month <= last)
        ]
