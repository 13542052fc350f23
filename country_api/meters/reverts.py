"""How audit undoes a change of an account's meter assignments (wired in by
`country_api/wiring.py`): the account goes back to its previous assignment state."""

from __future__ import annotations

from sqlmodel import Session

from country_api.audit.models import Mutation
from country_api.audit.revert import Reverter, refuse_if_stale
from country_api.customers.models import Account
from country_api.customers.service import get_account
from country_api.meters.assignments import (
    ASSIGNMENTS_TABLE,
    apply_assignment_state,
    assignment_state,
)
from gridcare.core.errors import Conflict, NotFound


def _revert_assignments(session: Session, actor: str, original: Mutation) -> Mutation | None:
    try:
        found = get_account(session=session, account_number=original.record_id)
    except NotFound:
        raise Conflict(f"account {original.record_id} no longer exists") from None
    account = session.get(Account, found.id, with_for_update=True)
    assert account is not None and account.id is not None
    refuse_if_stale(original, {"meters": assignment_state(session=session, account_id=account.id)})
    previous = dict((original.old_values or {}).get("meters", {}))
    return apply_assignment_state(
        session=session, actor=actor, account=account, target=previous, reverts=original
    )


REVERTERS: dict[tuple[str, str], Reverter] = {(ASSIGNMENTS_TABLE, "update"): _revert_assignments}
