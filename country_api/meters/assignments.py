"""Which meters sit on an account, in which role: changed only through `apply_assignment_state`.

An account's assignment state is `{meter_id: role}` over its open assignments. Every change
(registering, promoting, decommissioning, reverting) moves the account from one state to
another: assignments whose meter leaves or changes role are ended and new ones opened at the
same instant, so the history says which meter was primary when. The whole move is one audit
row on `meter_assignments` (record = account number, old and new state), which is what a
revert restores. The database keeps one open assignment per meter and one open primary per
account; a move that would break either is a `Conflict`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from country_api.audit.models import Mutation
from country_api.audit.service import record_mutation
from country_api.customers.models import Account
from country_api.metering.rollup import refresh_assignments
from country_api.meters.models import (
    Meter,
    MeterAssignment,
    MeterPlatform,
    MeterRole,
    MeterStatus,
)
from gridcare.core.errors import Conflict

AssignmentState = dict[str, str]
ASSIGNMENTS_TABLE = "meter_assignments"


def open_assignments(*, session: Session, account_id: int) -> list[tuple[MeterAssignment, Meter]]:
    return list(
        session.exec(
            select(MeterAssignment, Meter)
            .join(Meter, col(Meter.id) == col(MeterAssignment.meter_pk))
            .where(
                col(MeterAssignment.account_id) == account_id,
                col(MeterAssignment.ended_at).is_(None),
            )
            .order_by(col(MeterAssignment.id))
        )
    )


def assignment_state(*, session: Session, account_id: int) -> AssignmentState:
    return {
        meter.meter_id: MeterRole(assignment.role).value
        for assignment, meter in open_assignments(session=session, account_id=account_id)
    }


def set_meter_status(
    *,
    session: Session,
    actor: str,
    meter: Meter,
    status: MeterStatus,
    reverts: Mutation | None = None,
) -> None:
    if meter.status == status:
        return
    old = {"status": meter.status}
    meter.status = status
    session.add(meter)
    record_mutation(
        session=session,
        actor=actor,
        action="update",
        table="meters",
        record_id=meter.id,
        old=old,
        new={"status": status},
        reverts=reverts,
    )


def flush_or_conflict(session: Session, account_number: str) -> None:
    """Flush, turning the database's assignment rules into a `Conflict` that explains them.

    The caller's unit of work is left to roll back (the `Conflict` reaches the request's
    session dependency)."""
    try:
        session.flush()
    except IntegrityError as error:
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        messages = {
            "one_primary_per_account": (
                f"account {account_number} already has a primary meter; register this one as "
                "check or backup, or promote it with PATCH /api/meters/{meter_id}/role"
            ),
            "one_open_assignment_per_meter": "the meter is already assigned to an account",
            "meters_meter_id_key": "a meter with this meter_id is already registered",
        }
        message = messages.get(str(constraint), f"the change conflicts with {constraint}")
        raise Conflict(message) from None


def apply_assignment_state(
    *,
    session: Session,
    actor: str,
    account: Account,
    target: AssignmentState,
    removed_status: MeterStatus = MeterStatus.INACTIVE,
    reverts: Mutation | None = None,
) -> Mutation | None:
    """Move the account to `target`, audited as one mutation; None when nothing changes.

    The caller holds the account's row lock. Meters leaving the account get `removed_status`;
    meters arriving become active.
    """
    assert account.id is not None
    rows = open_assignments(session=session, account_id=account.id)
    current = {meter.meter_id: MeterRole(assignment.role).value for assignment, meter in rows}
    if current == target:
        return None
    moment: dt.datetime = session.exec(select(func.now())).one()
    for assignment, meter in rows:
        if target.get(meter.meter_id) != current[meter.meter_id]:
            assignment.ended_at = moment
            session.add(assignment)
            if meter.meter_id not in target:
                set_meter_status(session=session, actor=actor, meter=meter, status=removed_status)
    flush_or_conflict(session, account.account_number)
    arriving = {m: role for m, role in target.items() if current.get(m) != role}
    meters = _meters_by_id(session, list(arriving))
    for meter_id, role in sorted(arriving.items(), key=lambda item: item[1] == "primary"):
        arriving_meter = meters.get(meter_id)
        if arriving_meter is None or arriving_meter.id is None:
            raise Conflict(f"meter {meter_id} is not registered")
        if arriving_meter.status == MeterStatus.DECOMMISSIONED and reverts is None:
            raise Conflict(f"meter {meter_id} is decommissioned")
        session.add(
            MeterAssignment(
                meter_pk=arriving_meter.id,
                account_id=account.id,
                role=MeterRole(role),
                started_at=moment,
            )
        )
        set_meter_status(
            session=session, actor=actor, meter=arriving_meter, status=MeterStatus.ACTIVE
        )
        flush_or_conflict(session, account.account_number)
    moved = [meter for _, meter in rows if target.get(meter.meter_id) != current[meter.meter_id]]
    for meter in [*moved, *(meters[meter_id] for meter_id in arriving)]:
        if meter.id is not None:  # its stored hours follow the assignment now in force
            refresh_assignments(session.connection(), meter_pk=meter.id)
    return record_mutation(
        session=session,
        actor=actor,
        action="update",
        table=ASSIGNMENTS_TABLE,
        record_id=account.account_number,
        old={"meters": current},
        new={"meters": target},
        reverts=reverts,
    )


def _meters_by_id(session: Session, meter_ids: list[str]) -> dict[str, Meter]:
    if not meter_ids:
        return {}
    found = session.exec(select(Meter).where(col(Meter.meter_id).in_(meter_ids)).with_for_update())
    return {meter.meter_id: meter for meter in found}


def open_meters_by_account(
    *, session: Session, account_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """Open assignments per account id, as `AccountMeter` fields."""
    if not account_ids:
        return {}
    result: dict[int, list[dict[str, Any]]] = {}
    for assignment, meter in session.exec(
        select(MeterAssignment, Meter)
        .join(Meter, col(Meter.id) == col(MeterAssignment.meter_pk))
        .where(
            col(MeterAssignment.account_id).in_(account_ids),
            col(MeterAssignment.ended_at).is_(None),
        )
        .order_by(col(MeterAssignment.id))
    ):
        result.setdefault(assignment.account_id, []).append(
            {
                "meter_id": meter.meter_id,
                "role": MeterRole(assignment.role).value,
                "platform": MeterPlatform(meter.platform).value,
                "status": MeterStatus(meter.status).value,
                "assigned_at": assignment.started_at,
            }
        )
    return result
