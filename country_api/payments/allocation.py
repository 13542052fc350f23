"""Which account a payment belongs to (docs/architecture.md, "Payment rules").

Account tokens from the remark/motif field first, then from anywhere in the body (the parser
gives them in that order); the first that exists wins. Else the payer's phone, when it is the
phone of customers holding exactly one open account. Else nobody: the payment is parked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from country_api.customers.models import Account, Customer


@dataclass(frozen=True)
class Resolution:
    account: Account | None
    how: str
    """`token`, `phone`, or why nothing matched."""


def resolve_account(
    *, session: Session, candidates: Sequence[str], payer_phone: str | None
) -> Resolution:
    wanted = [token.upper() for token in candidates]
    if wanted:
        found = {
            account.account_number: account
            for account in session.exec(
                select(Account).where(col(Account.account_number).in_(wanted))
            )
        }
        for token in wanted:
            if token in found:
                return Resolution(found[token], "token")
    if payer_phone:
        accounts = list(
            session.exec(
                select(Account)
                .join(Customer, col(Customer.id) == col(Account.customer_id))
                .where(Customer.phone == payer_phone, col(Account.closed_at).is_(None))
                .order_by(col(Account.id))
                .limit(2)
            )
        )
        if len(accounts) == 1:
            return Resolution(accounts[0], "phone")
        if accounts:
            return Resolution(None, f"phone {payer_phone} matches several accounts")
    tried = ", ".join(wanted) if wanted else "none"
    return Resolution(None, f"no account for tokens ({tried}) or phone {payer_phone or 'unknown'}")


def find_account(*, session: Session, account_number: str) -> Account | None:
    return session.exec(
        select(Account).where(Account.account_number == account_number.strip().upper())
    ).first()
