"""Where each account stands in onboarding, and the per-site pipeline O&M plans trips with.

registered → connection fee paid → readyboard fee paid → installed → commissioned → active
(later disconnected / decommissioned). Fee steps follow from the ledger: a fee step is done
when the account's `payment_fees` for that fee reach its charge, at the `paid_at` of the
payment that completed it (a country without the fee has no such step). The other steps are
staff actions (`onboarding_events`, with who and when); a customer connected before onboarding
was recorded (a `connected_at` without events: imported data) counts as installed and
commissioned on that date. An account's stage is its furthest step done; a later activation,
disconnection or decommissioning is its stage, and a closed account or inactive customer is
decommissioned.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, col, select

from country_api.audit.service import record_mutation
from country_api.customers.models import Account, Customer
from country_api.onboarding.models import STAFF_STEPS, OnboardingEvent, Step
from gridcare.core.countries import CountryConfig
from gridcare.core.errors import Conflict, InvalidInput

FEE_STEP = {"connection": Step.CONNECTION_FEE_PAID, "readyboard": Step.READYBOARD_FEE_PAID}
TERMINAL = (Step.DECOMMISSIONED, Step.DISCONNECTED)


@dataclass(frozen=True)
class StepState:
    step: str
    done: bool
    at: dt.datetime | None
    by: str | None = None


def fee_steps(country: CountryConfig) -> list[tuple[str, str]]:
    """(fee code, step name) for the country's configured fees, in the file's order."""
    return [
        (item.code, FEE_STEP.get(item.code, f"{item.code}_fee_paid")) for item in country.fees.items
    ]


def step_order(country: CountryConfig) -> list[str]:
    return [
        Step.REGISTERED,
        *(step for _, step in fee_steps(country)),
        Step.INSTALLED,
        Step.COMMISSIONED,
    ]


FEES_COMPLETED = text(
    """
    SELECT account_id, fee_code, min(paid_at) FROM (
        SELECT f.account_id, f.fee_code, p.paid_at, c.amount_minor AS charged,
               sum(f.amount_minor) OVER (
                   PARTITION BY f.account_id, f.fee_code ORDER BY p.paid_at, p.id
               ) AS running,
               sum(f.amount_minor) OVER (PARTITION BY f.account_id, f.fee_code) AS total
        FROM payment_fees f
        JOIN payments p ON p.id = f.payment_id
        JOIN fee_charges c ON c.account_id = f.account_id AND c.fee_code = f.fee_code
        WHERE f.account_id = ANY(:ids)
    ) paid
    WHERE running >= charged AND total >= charged
    GROUP BY account_id, fee_code
    """
)
"""When each fully paid fee was completed (a reversal that reopens a debt undoes the step)."""


def _fees_completed(session: Session, ids: list[int]) -> dict[int, dict[str, dt.datetime]]:
    done: dict[int, dict[str, dt.datetime]] = defaultdict(dict)
    if ids:
        for account_id, code, at in session.execute(FEES_COMPLETED, {"ids": ids}):
            done[int(account_id)][str(code)] = at
    return done


def _events(session: Session, ids: list[int]) -> dict[int, list[OnboardingEvent]]:
    found: dict[int, list[OnboardingEvent]] = defaultdict(list)
    if ids:
        rows = session.exec(
            select(OnboardingEvent)
            .where(col(OnboardingEvent.account_id).in_(ids))
            .order_by(col(OnboardingEvent.at), col(OnboardingEvent.id))
        )
        for event in rows:
            found[event.account_id].append(event)
    return found


@dataclass(frozen=True)
class Progress:
    account: Account
    stage: str
    since: dt.datetime
    steps: list[StepState]


def progress_of(
    *, session: Session, country: CountryConfig, accounts: list[Account]
) -> list[Progress]:
    ids = [account.id for account in accounts if account.id is not None]
    fees = _fees_completed(session, ids)
    events = _events(session, ids)
    customer_ids = {account.customer_id for account in accounts}
    customers = {
        customer.id: customer
        for customer in session.exec(select(Customer).where(col(Customer.id).in_(customer_ids)))
    }
    result = []
    for account in accounts:
        assert account.id is not None
        latest: dict[str, OnboardingEvent] = {}
        for event in events.get(account.id, []):
            latest[event.step] = event
        steps = [StepState(Step.REGISTERED, True, account.opened_at)]
        for code, step in fee_steps(country):
            at = fees.get(account.id, {}).get(code)
            steps.append(StepState(step, at is not None, at))
        customer = customers.get(account.customer_id)
        legacy = _legacy_connection(customer, country)
        for step in (Step.INSTALLED, Step.COMMISSIONED):
            found = latest.get(step)
            if found is not None:
                steps.append(StepState(step, True, found.at, found.actor))
            else:  # connected before onboarding was recorded: its connection date stands
                steps.append(StepState(step, legacy is not None, legacy))
        done = [state for state in steps if state.done]
        stage, since = done[-1].step, done[-1].at or account.opened_at
        extra = [latest[step] for step in (Step.ACTIVE, *TERMINAL) if step in latest]
        if extra:
            last = max(extra, key=lambda event: (event.at, event.id or 0))
            if last.step != Step.ACTIVE or steps[-1].done:
                stage, since = last.step, last.at
        closed = account.closed_at is not None or (customer is not None and not customer.active)
        if closed and stage != Step.DECOMMISSIONED:
            stage = Step.DECOMMISSIONED
            since = account.closed_at or _day_start(customer, country) or since
        result.append(Progress(account=account, stage=stage, since=since, steps=steps))
    return result


def _legacy_connection(customer: Customer | None, country: CountryConfig) -> dt.datetime | None:
    """The connection date of a customer connected without a recorded commissioning."""
    if customer is None or customer.connected_at is None:
        return None
    return dt.datetime.combine(customer.connected_at, dt.time(), tzinfo=country.zone)


def _day_start(customer: Customer | None, country: CountryConfig) -> dt.datetime | None:
    if customer is None or customer.terminated_at is None:
        return None
    return dt.datetime.combine(customer.terminated_at, dt.time(), tzinfo=country.zone)


def record_step(
    *,
    session: Session,
    actor: str,
    account: Account,
    step: str,
    note: str | None = None,
) -> OnboardingEvent:
    """A staff step (installed, commissioned, active, disconnected, decommissioned), audited."""
    if step not in STAFF_STEPS:
        raise InvalidInput.for_field("step", f"{step!r} is not a staff step")
    event = OnboardingEvent(account_id=account.id or 0, step=step, actor=actor, note=note)
    session.add(event)
    session.flush()
    session.refresh(event)
    record_mutation(
        session=session,
        actor=actor,
        action="insert",
        table="onboarding_events",
        record_id=event.id,
        old=None,
        new={"account_number": account.account_number, "step": step, "note": note},
    )
    return event


def staff_step(
    *,
    session: Session,
    country: CountryConfig,
    actor: str,
    account: Account,
    step: str,
    note: str | None,
) -> OnboardingEvent:
    """A step staff mark by hand: installed, active or disconnected (commissioning and
    deactivation have their own actions)."""
    allowed = (Step.INSTALLED, Step.ACTIVE, Step.DISCONNECTED)
    if step not in allowed:
        names = ", ".join(allowed)
        raise InvalidInput.for_field("step", f"only {names} are marked here")
    customer = session.get(Customer, account.customer_id)
    if account.closed_at is not None or (customer is not None and not customer.active):
        raise Conflict(f"account {account.account_number} is closed")
    if step == Step.ACTIVE:
        [progress] = progress_of(session=session, country=country, accounts=[account])
        if not any(s.step == Step.COMMISSIONED and s.done for s in progress.steps):
            raise Conflict(f"account {account.account_number} is not commissioned yet")
    return record_step(session=session, actor=actor, account=account, step=step, note=note)


@dataclass(frozen=True)
class StageCount:
    stage: str
    count: int
    oldest_since: dt.datetime | None
    median_days: float | None


def site_accounts(*, session: Session, site_code: str) -> list[Account]:
    return list(
        session.exec(
            select(Account)
            .join(Customer, col(Customer.id) == col(Account.customer_id))
            .where(col(Account.site_code) == site_code)
            .order_by(col(Account.sequence))
        )
    )


def stages(country: CountryConfig) -> list[str]:
    return [*step_order(country), Step.ACTIVE, Step.DISCONNECTED, Step.DECOMMISSIONED]


def pipeline(
    *, session: Session, country: CountryConfig, site_code: str, now: dt.datetime
) -> list[tuple[str, list[Progress]]]:
    """Every stage of the site's accounts with the accounts sitting there, longest first."""
    accounts = site_accounts(session=session, site_code=site_code)
    grouped: dict[str, list[Progress]] = {stage: [] for stage in stages(country)}
    for progress in progress_of(session=session, country=country, accounts=accounts):
        grouped.setdefault(progress.stage, []).append(progress)
    return [(stage, sorted(items, key=lambda p: p.since)) for stage, items in grouped.items()]
