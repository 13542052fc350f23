"""Registering meters on accounts, changing their role, decommissioning them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from country_api.audit.service import record_mutation
from country_api.customers.models import Account, Customer
from country_api.customers.service import get_account, normalise_account_number
from country_api.meters.assignments import (
    AssignmentState,
    apply_assignment_state,
    assignment_state,
    flush_or_conflict,
    set_meter_status,
)
from country_api.meters.models import (
    Meter,
    MeterAssignment,
    MeterPlatform,
    MeterRole,
    MeterStatus,
)
from country_api.meters.schemas import MeterCreate, MeterPublic
from gridcare.core.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "change_role",
    "decommission_meter",
    "list_meters",
    "meter_view",
    "register_meter",
    "replace_meter",
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
    if not account_is_active(session, account):
        raise Conflict(f"account {account.account_number} is closed or its customer inactive")
    meter = session.exec(select(Meter).where(col(Meter.meter_id) == data.meter_id)).first()
    if meter is None:
        meter = _new_meter(
            session, actor, account, data.meter_id, data.platform, MeterStatus.ACTIVE
        )
    else:
        _check_reusable(session, meter, data)
    target = assignment_state(session=session, account_id=account.id or 0)
    target[meter.meter_id] = data.role.value
    apply_assignment_state(session=session, actor=actor, account=account, target=target)
    return meter


def _new_meter(
    session: Session,
    actor: str,
    account: Account,
    meter_id: str,
    platform: MeterPlatform,
    status: MeterStatus,
) -> Meter:
    """A meter registered now, audited (the account names it in a conflict's message)."""
    meter = Meter(meter_id=meter_id, platform=platform, status=status)
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


def account_is_active(session: Session, account: Account) -> bool:
    customer = session.get(Customer, account.customer_id)
    return account.closed_at is None and customer is not None and customer.active


def ensure_meter(
    *,
    session: Session,
    actor: str,
    meter_id: str,
    platform: MeterPlatform | None,
    field: str,
    account: Account,
) -> Meter:
    """The registered meter `meter_id` (free to assign), or a new one on `platform`."""
    meter = session.exec(select(Meter).where(col(Meter.meter_id) == meter_id.strip())).first()
    if meter is None:
        if platform is None:
            raise InvalidInput.for_field(
                field.replace("meter_id", "platform"),
                f"meter {meter_id} is not registered: name its platform",
            )
        return _new_meter(session, actor, account, meter_id.strip(), platform, MeterStatus.INACTIVE)
    if meter.status == MeterStatus.DECOMMISSIONED:
        raise Conflict(f"meter {meter.meter_id} is decommissioned")
    if platform is not None and meter.platform != platform:
        raise Conflict(f"meter {meter.meter_id} is already registered on {meter.platform}")
    assignment = open_assignment(session=session, meter=meter)
    if assignment is not None and assignment.account_id != account.id:
        holder = session.get(Account, assignment.account_id)
        number = holder.account_number if holder else "another account"
        raise Conflict(f"meter {meter.meter_id} is already assigned to {number}")
    return meter


def _only_primary_guard(
    session: Session, account: Account, target: AssignmentState, what: str
) -> None:
    """Refuse to leave an active account without a primary meter."""
    if MeterRole.PRIMARY.value in target.values():
        return
    if account_is_active(session, account):
        raise Conflict(
            f"{what} would leave active account {account.account_number} without a primary "
            "meter: name a replacement_meter_id in the same request"
        )


def change_role(
    *,
    session: Session,
    actor: str,
    meter_id: str,
    role: MeterRole,
    replacement_meter_id: str | None = None,
    replacement_platform: MeterPlatform | None = None,
) -> Meter:
    """Give the meter `role`; promoting to primary demotes the account's primary to check.

    Demoting the only primary of an active account needs a replacement, which becomes the
    primary in the same move."""
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
    if replacement_meter_id is not None and role != MeterRole.PRIMARY:
        replacement = ensure_meter(
            session=session,
            actor=actor,
            meter_id=replacement_meter_id,
            platform=replacement_platform,
            field="replacement_meter_id",
            account=account,
        )
        for other, other_role in target.items():
            if other_role == MeterRole.PRIMARY.value:
                target[other] = MeterRole.CHECK.value
        target[meter.meter_id] = role.value
        target[replacement.meter_id] = MeterRole.PRIMARY.value
    _only_primary_guard(session, account, target, f"demoting {meter.meter_id}")
    apply_assignment_state(session=session, actor=actor, account=account, target=target)
    return meter


def replace_meter(
    *,
    session: Session,
    actor: str,
    meter_id: str,
    new_meter_id: str,
    platform: MeterPlatform | None = None,
) -> Meter:
    """The new meter takes the old one's role at the same instant (no gap, no overlap in the
    account's consumption); the old one is decommissioned, its history kept."""
    meter = get_meter(session=session, meter_id=meter_id)
    assignment = open_assignment(session=session, meter=meter)
    if assignment is None:
        raise Conflict(f"meter {meter.meter_id} is not assigned to an account")
    if new_meter_id.strip() == meter.meter_id:
        raise InvalidInput.for_field("new_meter_id", "is the meter being replaced")
    account = _locked_account(session, assignment.account_id)
    new = ensure_meter(
        session=session,
        actor=actor,
        meter_id=new_meter_id,
        platform=platform or meter.platform,
        field="new_meter_id",
        account=account,
    )
    target = assignment_state(session=session, account_id=account.id or 0)
    role = target.pop(meter.meter_id)
    target[new.meter_id] = role
    apply_assignment_state(
        session=session,
        actor=actor,
        account=account,
        target=target,
        removed_status=MeterStatus.DECOMMISSIONED,
    )
    return new


def decommission_meter(
    *,
    session: Session,
    actor: str,
    meter_id: str,
    replacement_meter_id: str | None = None,
    replacement_platform: MeterPlatform | None = None,
) -> Meter:
    """End the meter's assignment and retire it; it cannot be assigned again. The only
    primary of an active account is retired only with a replacement, which takes over."""
    meter = get_meter(session=session, meter_id=meter_id)
    assignment = open_assignment(session=session, meter=meter)
    if assignment is not None:
        account = _locked_account(session, assignment.account_id)
        target = assignment_state(session=session, account_id=account.id or 0)
        role = target.pop(meter.meter_id, None)
        if replacement_meter_id is not None:
            replacement = ensure_meter(
                session=session,
                actor=actor,
                meter_id=replacement_meter_id,
                platform=replacement_platform,
                field="replacement_meter_id",
                account=account,
            )
            if role == MeterRole.PRIMARY.value:
                target[replacement.meter_id] = MeterRole.PRIMARY.value
            else:
                target.setdefault(replacement.meter_id, role or MeterRole.CHECK.value)
        if role == MeterRole.PRIMARY.value:
            _only_primary_guard(session, account, target, f"decommissioning {meter.meter_id}")
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
    *,
    session: Session,
    account_number: str | None,
    page: int = 1,
    page_size: int = 50,
    q: str | None = None,
    site: str | None = None,
) -> tuple[list[MeterPublic], int]:
    """Meters on one account (its open assignments), or every meter with its assignment,
    optionally searched (`q`: part of the serial or the account number) or by site."""
    open_only = col(MeterAssignment.ended_at).is_(None)
    query: Any = (
        select(Meter, MeterAssignment, Account)
        .outerjoin(MeterAssignment, (col(MeterAssignment.meter_pk) == col(Meter.id)) & open_only)
        .outerjoin(Account, col(Account.id) == col(MeterAssignment.account_id))
    )
    count: Any = select(func.count()).select_from(Meter)
    if q or site:
        conditions: list[Any] = []
        if q:
            needle = f"%{q.strip().replace(' ', '')}%"
            conditions.append(
                col(Meter.meter_id).ilike(needle) | col(Account.account_number).ilike(needle)
            )
        if site:
            conditions.append(col(Account.site_code) == site.strip().upper())
        query = query.where(*conditions)
        count = (
            select(func.count())
            .select_from(Meter)
            .outerjoin(
                MeterAssignment, (col(MeterAssignment.meter_pk) == col(Meter.id)) & open_only
            )
            .outerjoin(Account, col(Account.id) == col(MeterAssignment.account_id))
            .where(*conditions)
        )
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
