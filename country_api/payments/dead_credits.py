"""Credits the outbox gave up on: queued again by finance (`POST /api/payments/outbox/retry`,
`gridcare payments retry-credits`), and the outbox's counts per status."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text


def revive_dead(
    connection: Connection, *, payment_ids: list[int] | None = None
) -> list[tuple[int, str | None]]:
    """Dead rows back to `pending`, due now, attempts reset and their day of retries started
    again; `(payment id, last error)` of each row revived."""
    condition = "status = 'dead'"
    params: dict[str, Any] = {}
    if payment_ids:
        condition += " AND payment_id = ANY(:ids)"
        params["ids"] = payment_ids
    revive = (
        "UPDATE credit_outbox SET status = 'pending', attempts = 0, next_attempt_at = now(),"
        " created_at = now(), updated_at = now()"
    )
    statement = f"{revive} WHERE {condition} RETURNING payment_id, last_error"
    return [(int(row[0]), row[1]) for row in connection.execute(text(statement), params)]


def outbox_counts(connection: Connection) -> dict[str, int]:
    rows = connection.execute(
        text("SELECT status, count(*) FROM credit_outbox GROUP BY status ORDER BY status")
    )
    return {str(status): int(count) for status, count in rows}
