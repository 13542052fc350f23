"""The SMS inbox (every message as received, with its outcome) and the operator templates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from country_api.audit.service import record_mutation
from country_api.plugins.payments.templates import compile_template
from country_api.sms.models import (
    NOT_NULLABLE_UPDATES,
    InboxItem,
    InboxPage,
    Outcome,
    SmsMessage,
    SmsTemplate,
    SmsTemplateCreate,
    SmsTemplateUpdate,
)
from gridcare.core.errors import Conflict, InvalidInput, NotFound


def list_inbox(
    *, session: Session, outcome: Outcome | None = None, page: int = 1, page_size: int = 50
) -> InboxPage:
    conditions = [col(SmsMessage.outcome) == outcome] if outcome else []
    total = session.exec(select(func.count()).select_from(SmsMessage).where(*conditions)).one()
    rows = session.exec(
        select(SmsMessage)
        .where(*conditions)
        .order_by(col(SmsMessage.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return InboxPage(
        items=[InboxItem.model_validate(row.model_dump()) for row in rows], total=int(total)
    )


def active_templates(*, session: Session) -> list[SmsTemplate]:
    return list(
        session.exec(
            select(SmsTemplate).where(col(SmsTemplate.active)).order_by(col(SmsTemplate.id))
        )
    )


def list_templates(*, session: Session) -> list[SmsTemplate]:
    return list(session.exec(select(SmsTemplate).order_by(col(SmsTemplate.id))))


def create_template(*, session: Session, data: SmsTemplateCreate, actor: str) -> SmsTemplate:
    _check_pattern(data.pattern)
    template = SmsTemplate(**data.model_dump(), created_by=actor)
    try:
        with session.begin_nested():
            session.add(template)
    except IntegrityError:
        raise Conflict(f"a template named {data.name!r} exists") from None
    _audit(session, actor, "insert", template, None)
    session.flush()
    session.refresh(template)
    return template


def update_template(
    *, session: Session, template_id: int, data: SmsTemplateUpdate, actor: str
) -> SmsTemplate:
    template = session.get(SmsTemplate, template_id, with_for_update=True)
    if template is None:
        raise NotFound(f"no SMS template {template_id}")
    changes = data.model_dump(exclude_unset=True)
    for field in NOT_NULLABLE_UPDATES & changes.keys():
        if changes[field] is None:
            raise InvalidInput.for_field(field, "may not be null")
    if changes.get("pattern") is not None:
        _check_pattern(changes["pattern"])
    before = {key: getattr(template, key) for key in changes}
    for key, value in changes.items():
        setattr(template, key, value)
    session.add(template)
    session.flush()
    _audit(session, actor, "update", template, before)
    session.flush()
    session.refresh(template)
    return template


def _check_pattern(pattern: str) -> None:
    try:
        compile_template(pattern, require_txn_id=False)
    except ValueError as error:
        raise InvalidInput.for_field("pattern", str(error)) from None


def _audit(
    session: Session, actor: str, action: str, template: SmsTemplate, before: dict[str, Any] | None
) -> None:
    after = template.model_dump(exclude={"created_at"})
    if before is not None:
        after = {key: after[key] for key in before}
    record_mutation(
        session=session,
        actor=actor,
        action=action,
        table="sms_templates",
        record_id=template.id,
        old=before,
        new=after,
    )
