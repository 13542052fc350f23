"""Registering meters on accounts, changing their role, decommissioning them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from country_api.audit.service import record_mutation
from country_api.customers.models import Account, Customer
from country_api.customers.service import get_account, normalise_account_number
from country_api.meters.assignments import (
    apply_assignment_state,
    assignment_state,
    flush_or_conflict,
    set_meter_status,
)
from country_api.meters.models import Meter, MeterAssignment, MeterRole, MeterStatus
from country_api.meters.schemas import MeterCreate, MeterPublic
from gridcare.core.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "change_role",
    "decommission_meter",
    "list_meters",
    "meter_view",
    "register_meter",
]


def _locked_account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id, with_for_update=True)
    if account is None:  # pragma: no cover - the foreign key forbids it
        raise NotFound(f"no account with id {account_id}")
    return account


def get_meter(*, session: Session, meter_id: str) -> Meter:
    meter = session.exec(select(Meter).where(col(Meter.meter_id) == meter_id.strip())).first()
    if meter is None:
        raise NotFound(f"no meter {meter_id.strip()!r}")
    return meter


def open_assignment(*, session: Session, meter: Meter) -> MeterAssignment | None:
    return session.exec(
        select(MeterAssignment).where(
            col(MeterAssignment.meter_pk) == meter.id, col(MeterAssignment.ended_at).is_(None)
        )
    ).first()


def register_meter(*, session: Session, actor: str, data: MeterCreate) -> Meter:
    """Register the meter (or reuse an unassigned one) and assign it to the account, active."""
    try:
        found = get_account(session=session, account_number=data.account_number)
    except NotFound:
        number = normalise_account_number(data.account_number)
        raise InvalidInput.for_field("account_number", f"no account {number}") from None
    account = _locked_account(session, found.id or 0)
    customer = session.get(Customer, account.customer_id)
    if account.closed_at is not None or (customer is not None and not customer.active):
        raise Conflict(f"account {account.account_number} is closed or its customer inactive")
    meter = session.exec(select(Meter).where(col(Meter.meter_id) == data.meter_id)).first()
    if meter is None:
        meter = Meter(meter_id=data.meter_id, platform=data.platform, status=MeterStatus.ACTIVE)
        session.add(meter)
        flush_or_conflict(session, account.account_number)
        record_mutation(
            session=session,
            actor=actor,
            action="insert",
            table="meters",
            record_id=meter.id,
            old=None,
            new={"meter_id": meter.meter_id, "platform": meter.platform, "status": meter.status},
        )
    else:
        _check_reusable(session, meter, data)
    target = assignment_state(session=session, account_id=account.id or 0)
    target[meter.meter_id] = data.role.value
    apply_assignment_state(session=session, actor=actor, account=account, target=target)
    return meter


def _check_reusable(session: Session, meter: Meter, data: MeterCreate) -> None:
    if meter.status == MeterStatus.DECOMMISSIONED:
        raise Conflict(f"meter {meter.meter_id} is decommissioned")
    if meter.platform != data.platform:
        raise Conflict(f"meter {meter.meter_id} is already registered on {meter.platform}")
    assignment = open_assignment(session=session, meter=meter)
    if assignment is not None:
        holder = session.get(Account, assignment.account_id)
        number = holder.account_number if holder else "another account"
        raise Conflict(f"meter {meter.meter_id} is already assigned to {number}")


def change_role(*, session: Session, actor: str, meter_id: str, role: MeterRole) -> Meter:
    """Give the meter `role`; promoting to primary demotes the account's primary to check."""
    meter = get_meter(session=session, meter_id=meter_id)
    assignment = open_assignment(session=session, meter=meter)
    if assignment is None:
        raise Conflict(f"meter {meter.meter_id} is not assigned to an account")
    account = _locked_account(session, assignment.account_id)
    target = assignment_state(session=session, account_id=account.id or 0)
    if role == MeterRole.PRIMARY:
        for other, other_role in target.items():
            if other_role == MeterRole.PRIMARY.value and other != meter.meter_id:
                target[other] = MeterRole.CHECK.value
    target[meter.meter_id] = role.value
    apply_assignment_state(session=session, actor=actor, account=account, target=target)
    return meter


def decommission_meter(*, session: Session, actor: str, meter_id: str) -> Meter:
    """End the meter's assignment and retire it; it cannot be assigned again."""
    meter = get_meter(session=session, meter_id=meter_id)
    assignment = open_assignment(session=session, meter=meter)
    if assignment is not None:
        account = _locked_account(session, assignment.account_id)
        target = assignment_state(session=session, account_id=account.id or 0)
        target.pop(meter.meter_id, None)
        apply_assignment_state(
            session=session,
            actor=actor,
            account=account,
            target=target,
            removed_status=MeterStatus.DECOMMISSIONED,
        )
    set_meter_status(session=session, actor=actor, meter=meter, status=MeterStatus.DECOMMISSIONED)
    return meter


def meter_view(*, session: Session, meter: Meter) -> MeterPublic:
    row = session.exec(
        select(MeterAssignment, Account)
        .join(Account, col(Account.id) == col(MeterAssignment.account_id))
        .where(col(MeterAssignment.meter_pk) == meter.id, col(MeterAssignment.ended_at).is_(None))
    ).first()
    assignment, account = row if row is not None else (None, None)
    return _public(meter, assignment, account)


def _public(
    meter: Meter, assignment: MeterAssignment | None, account: Account | None
) -> MeterPublic:
    return MeterPublic(
        meter_id=meter.meter_id,
        platform=meter.platform,
        status=meter.status,
        role=assignment.role if assignment else None,
        account_number=account.account_number if account else None,
        assigned_at=assignment.started_at if assignment else None,
    )


def list_meters(
    *, session: Session, account_number: str | None, page: int = 1, page_size: int = 50
) -> tuple[list[MeterPublic], int]:
    """Meters on one account (its open assignments), or every meter with its assignment."""
    open_only = col(MeterAssignment.ended_at).is_(None)
    query: Any = (
        select(Meter, MeterAssignment, Account)
        .outerjoin(MeterAssignment, (col(MeterAssignment.meter_pk) == col(Meter.id)) & open_only)
        .outerjoin(Account, col(Account.id) == col(MeterAssignment.account_id))
    )
    count: Any = select(func.count()).select_from(Meter)
    if account_number is not None:
        account = get_account(session=session, account_number=account_number)
        on_account = col(MeterAssignment.account_id) == account.id
        query = query.where(on_account)
        count = select(func.count()).select_from(MeterAssignment).where(on_account, open_only)
    total = int(session.exec(count).one())
    rows = session.exec(
        query.order_by(col(Meter.id)).offset((page - 1) * page_size).limit(page_size)
    )
    return [_public(meter, assignment, account) for meter, assignment, account in rows], total
