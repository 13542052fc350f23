"""Configured fees and how a payment is split between fee debt and electricity.

How fee debt is recorded: every configured fee (Lesotho: connection 501, readyboard 499) is
charged to an account once, at its first payment (a `fee_charges` row per account and fee,
inserted idempotently). What is owed is the charges minus what `payment_fees` rows have paid
(reversals add negative rows). The split, in this order:

1. a payment of exactly a fee's amount while that fee is owed in full pays that fee alone;
2. a payment of exactly the whole outstanding fee debt (1,000 LSL when 501 + 499 are owed)
   pays all of it;
3. while the account is not connected yet (its customer has no `connected_at`: never
   commissioned), the whole payment goes to the fees still owed, up to the debt;
4. once connected, at most `fees.debt_share_of_payment` of the amount (rounded down to the
   minor unit) goes to the fees still owed.
Fees are paid in the country file's order; what is left buys electricity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, text
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from country_api.payments.models import FeeCharge, PaymentFee
from gridcare.core.countries import CountryConfig
from gridcare.core.money import to_minor


@dataclass(frozen=True)
class Split:
    electricity_minor: int
    fees: list[tuple[str, int]] = field(default_factory=list)
    exact_fee: str | None = None
    """The fee this payment was recognised as, by its exact amount."""

    @property
    def fee_minor(self) -> int:
        return sum(amount for _, amount in self.fees)


def charge_configured_fees(*, session: Session, country: CountryConfig, account_id: int) -> None:
    items = country.fees.items
    if not items:
        return
    rows = [
        {
            "account_id": account_id,
            "fee_code": item.code,
            "amount_minor": to_minor(item.amount, country.currency),
        }
        for item in items
    ]
    session.execute(insert(FeeCharge).values(rows).on_conflict_do_nothing())


def fees_owed(*, session: Session, account_id: int) -> dict[str, int]:
    """Outstanding minor units per fee code (only codes with something owed)."""
    return {code: amount for code, amount in _charges(session, account_id) if amount > 0}


def owed_after_charging(
    *, session: Session, country: CountryConfig, account_id: int
) -> dict[str, int]:
    """What the account owes, charging the configured fees first if it never was.

    Locks the account row: money movements of one account are serialised (fee debt is read,
    then paid), so two concurrent payments cannot both spend the same debt.
    """
    rows = session.execute(LOCK_AND_READ_CHARGES, {"id": account_id}).all()
    charges = [(str(code), int(amount)) for code, amount in rows if code is not None]
    if not charges and country.fees.items:
        charge_configured_fees(session=session, country=country, account_id=account_id)
        charges = [
            (item.code, to_minor(item.amount, country.currency)) for item in country.fees.items
        ]
    return {code: amount for code, amount in charges if amount > 0}


LOCK_AND_READ_CHARGES = text(
    """
    SELECT c.fee_code, c.amount_minor - coalesce((
        SELECT sum(f.amount_minor) FROM payment_fees f
        WHERE f.account_id = c.account_id AND f.fee_code = c.fee_code), 0)
    FROM accounts a LEFT JOIN fee_charges c ON c.account_id = a.id
    WHERE a.id = :id
    FOR UPDATE OF a
    """
)


def _charges(session: Session, account_id: int) -> list[tuple[str, int]]:
    paid = (
        select(func.coalesce(func.sum(PaymentFee.amount_minor), 0))
        .where(PaymentFee.account_id == account_id, PaymentFee.fee_code == FeeCharge.fee_code)
        .scalar_subquery()
    )
    rows = session.exec(
        select(FeeCharge.fee_code, FeeCharge.amount_minor - paid).where(
            FeeCharge.account_id == account_id
        )
    ).all()
    return [(code, int(amount)) for code, amount in rows]


def split_payment(
    *, country: CountryConfig, owed: dict[str, int], amount_minor: int, connected: bool = True
) -> Split:
    order = [item.code for item in country.fees.items]
    for item in country.fees.items:
        fee_minor = to_minor(item.amount, country.currency)
        if amount_minor == fee_minor and owed.get(item.code, 0) >= fee_minor:
            return Split(electricity_minor=0, fees=[(item.code, fee_minor)], exact_fee=item.code)
    owing = [(code, owed[code]) for code in order if owed.get(code, 0) > 0]
    if owing and amount_minor == sum(amount for _, amount in owing):
        label = " + ".join(code for code, _ in owing)
        return Split(electricity_minor=0, fees=owing, exact_fee=label)
    share = country.fees.debt_share_of_payment if connected else 1
    budget = int(amount_minor * share)
    fees = []
    for code in order:
        take = min(budget, owed.get(code, 0))
        if take > 0:
            fees.append((code, take))
            budget -= take
    return Split(electricity_minor=amount_minor - sum(a for _, a in fees), fees=fees)
