"""Commissioning an account, and deactivating a customer with a choice for their meters.

Commissioning (O&M) is one unit of work: the meter is registered (or reused) and becomes the
account's primary, the customer's connection date is set, the account is marked installed (if
it was not) and commissioned, the commissioning record is kept, and, at a site whose platform
keeps its own customer list, the customer is queued for creation there. Each change is audited.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import Session, col, select

from country_api.audit.service import record_mutation
from country_api.customers.models import Account, Customer
from country_api.customers.service import apply_customer_changes, deactivation_changes
from country_api.meters.assignments import apply_assignment_state, assignment_state
from country_api.meters.models import MeterRole, MeterStatus
from country_api.meters.service import ensure_meter
from country_api.onboarding.models import Commissioning, OnboardingEvent, Step
from country_api.onboarding.platform_outbox import CUSTOMER_PLATFORMS, ENQUEUE
from country_api.onboarding.schemas import CommissionRequest, DeactivateRequest, MeterChoice
from country_api.onboarding.service import record_step
from gridcare.core.countries import CountryConfig
from gridcare.core.errors import Conflict, NotFound


def locked_account(session: Session, account: Account) -> tuple[Account, Customer]:
    locked = session.get(Account, account.id, with_for_update=True)
    customer = session.get(Customer, account.customer_id, with_for_update=True)
    if locked is None or customer is None:  # pragma: no cover - foreign keys forbid it
        raise NotFound(f"no account {account.account_number}")
    return locked, customer


def _has_step(session: Session, account: Account, step: str) -> bool:
    return (
        session.exec(
            select(OnboardingEvent.id).where(
                col(OnboardingEvent.account_id) == account.id, col(OnboardingEvent.step) == step
            )
        ).first()
        is not None
    )


def commission(
    *,
    session: Session,
    country: CountryConfig,
    actor: str,
    account: Account,
    data: CommissionRequest,
) -> tuple[Commissioning, str | None]:
    """Commission the account; (the record, `pending` when a platform customer was queued)."""
    account, customer = locked_account(session, account)
    if account.closed_at is not None or not customer.active:
        raise Conflict(f"account {account.account_number} is closed or its customer inactive")
    meter = ensure_meter(
        session=session,
        actor=actor,
        meter_id=data.meter_id,
        platform=data.platform,
        field="meter_id",
        account=account,
    )
    target = assignment_state(session=session, account_id=account.id or 0)
    for other, role in target.items():
        if role == MeterRole.PRIMARY.value and other != meter.meter_id:
            target[other] = MeterRole.CHECK.value
    target[meter.meter_id] = MeterRole.PRIMARY.value
    apply_assignment_state(session=session, actor=actor, account=account, target=target)
    connected_on = data.connected_on or dt.datetime.now(country.zone).date()
    if customer.connected_at is None or data.connected_on is not None:
        apply_customer_changes(
            session=session,
            actor=actor,
            customer=customer,
            changes={"connected_at": connected_on},
        )
    assert meter.id is not None
    record = Commissioning(
        account_id=account.id or 0,
        meter_pk=meter.id,
        latitude=data.latitude,
        longitude=data.longitude,
        phase=data.phase.value if data.phase else None,
        breaker_amps=data.breaker_amps,
        connection_point=data.connection_point or None,
        notes=data.notes or None,
        connected_on=connected_on,
        commissioned_by=actor,
    )
    session.add(record)
    session.flush()
    record_mutation(
        session=session,
        actor=actor,
        action="insert",
        table="commissionings",
        record_id=record.id,
        old=None,
        new={
            "account_number": account.account_number,
            "meter_id": meter.meter_id,
            "latitude": data.latitude,
            "longitude": data.longitude,
            "phase": record.phase,
            "breaker_amps": record.breaker_amps,
            "connection_point": record.connection_point,
            "notes": record.notes,
            "connected_on": connected_on,
        },
    )
    if not _has_step(session, account, Step.INSTALLED):
        record_step(session=session, actor=actor, account=account, step=Step.INSTALLED)
    record_step(session=session, actor=actor, account=account, step=Step.COMMISSIONED)
    platform = country.site_platform(account.site_code)
    queued = None
    if platform in CUSTOMER_PLATFORMS:
        name = f"{customer.first_name} {customer.last_name}".strip()
        payload = {"name": name, "phone": customer.phone, "meter_serial": meter.meter_id}
        session.execute(
            ENQUEUE,
            {
                "account_id": account.id,
                "platform": platform,
                "site_code": account.site_code,
                "payload": json.dumps(payload),
            },
        )
        queued = "pending"
    return record, queued


def deactivate(
    *, session: Session, actor: str, account: Account, data: DeactivateRequest
) -> Customer:
    """Close the customer's open accounts; their meters are retired or kept (unassigned, for a
    new customer). The history (payments, assignments, readings) stays."""
    _, customer = locked_account(session, account)
    accounts = list(
        session.exec(
            select(Account)
            .where(col(Account.customer_id) == customer.id, col(Account.closed_at).is_(None))
            .with_for_update()
        )
    )
    removed = (
        MeterStatus.DECOMMISSIONED
        if data.meters == MeterChoice.DECOMMISSION
        else MeterStatus.INACTIVE
    )
    moment = dt.datetime.now(dt.UTC)
    for open_account in accounts:
        if assignment_state(session=session, account_id=open_account.id or 0):
            apply_assignment_state(
                session=session,
                actor=actor,
                account=open_account,
                target={},
                removed_status=removed,
            )
        open_account.closed_at = moment
        session.add(open_account)
        session.flush()
        record_mutation(
            session=session,
            actor=actor,
            action="update",
            table="accounts",
            record_id=open_account.id,
            old={"closed_at": None},
            new={"closed_at": moment, "meters": data.meters.value},
        )
        record_step(
            session=session,
            actor=actor,
            account=open_account,
            step=Step.DECOMMISSIONED,
            note=data.reason,
        )
    if customer.active:
        apply_customer_changes(
            session=session, actor=actor, customer=customer, changes=deactivation_changes()
        )
    return customer
