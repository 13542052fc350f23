from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from country_api.audit import service
from country_api.audit.revert import revert_mutation
from country_api.audit.schemas import MutationPage, MutationPublic
from country_api.auth import Reader, Staff, require
from country_api.deps import SessionDep
from gridcare.core.inputs import Page, StoredId
from gridcare.core.roles import Permission

router = APIRouter(prefix="/api/mutations", tags=["audit"])

Reverter = Annotated[Staff, Depends(require(Permission.MUTATIONS_REVERT))]


@router.get(
    "",
    response_model=MutationPage,
    responses={401: {"description": "no valid token"}, 422: {"description": "bad query"}},
)
def list_mutations(
    session: SessionDep,
    staff: Reader,
    table: Annotated[str | None, Query(max_length=63)] = None,
    record_id: Annotated[str | None, Query(max_length=64)] = None,
    page: Page = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MutationPage:
    rows, total = service.list_mutations(
        session=session, table=table, record_id=record_id, page=page, page_size=page_size
    )
    return MutationPage(items=[MutationPublic.model_validate(row) for row in rows], total=total)


@router.post(
    "/{mutation_id}/revert",
    response_model=MutationPublic,
    responses={
        401: {"description": "no valid token"},
        403: {"description": "the role may not revert"},
        404: {"description": "no such mutation"},
        409: {"description": "already reverted, stale, or not revertible"},
    },
)
def revert(mutation_id: StoredId, session: SessionDep, staff: Reverter) -> MutationPublic:
    mutation = revert_mutation(session=session, actor=staff.username, mutation_id=mutation_id)
    return MutationPublic.model_validate(mutation)
