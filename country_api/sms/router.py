"""The inbox and the operator SMS templates. The gateway's `/api/sms/incoming` and inbox
allocation run payments, so they are served from `payments/sms_router.py`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from country_api.auth import Reader, Staff, require
from country_api.deps import ParsersDep, SessionDep
from country_api.sms import service
from country_api.sms.models import (
    InboxPage,
    Outcome,
    SmsTemplateCreate,
    SmsTemplatePublic,
    SmsTemplateUpdate,
)
from gridcare.core.inputs import Page, StoredId
from gridcare.core.roles import Permission

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "the gateway's body is not valid; the error says why"},
    401: {"description": "no valid token or gateway key"},
    403: {"description": "the role may not do this"},
    404: {"description": "no such message or template"},
    409: {"description": "the message cannot be allocated (again)"},
    422: {"description": "invalid input; the error names the field"},
}
router = APIRouter(tags=["sms"], responses=ERRORS)
TemplateWriter = Annotated[Staff, Depends(require(Permission.PAYMENTS_WRITE))]


@router.get("/api/sms/inbox")
def get_inbox(
    session: SessionDep,
    staff: Reader,
    outcome: Outcome | None = None,
    page: Page = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> InboxPage:
    return service.list_inbox(session=session, outcome=outcome, page=page, page_size=page_size)


@router.get("/api/sms/templates")
def get_templates(session: SessionDep, staff: Reader) -> list[SmsTemplatePublic]:
    return [
        SmsTemplatePublic.model_validate(t.model_dump())
        for t in service.list_templates(session=session)
    ]


@router.post("/api/sms/templates", status_code=201)
def post_template(
    parsers: ParsersDep, session: SessionDep, staff: TemplateWriter, data: SmsTemplateCreate
) -> SmsTemplatePublic:
    template = service.create_template(session=session, data=data, actor=staff.username)
    parsers.templates_changed()
    return SmsTemplatePublic.model_validate(template.model_dump())


@router.patch("/api/sms/templates/{template_id}")
def patch_template(
    parsers: ParsersDep,
    session: SessionDep,
    staff: TemplateWriter,
    template_id: StoredId,
    data: SmsTemplateUpdate,
) -> SmsTemplatePublic:
    template = service.update_template(
        session=session, template_id=template_id, data=data, actor=staff.username
    )
    parsers.templates_changed()
    return SmsTemplatePublic.model_validate(template.model_dump())
