"""The credit outbox backlog: credits waiting, credits given up on, and the oldest wait.

The `credit-backlog` worker logs the backlog as one JSON line a minute on the `gridcare.metrics`
logger, bare JSON on stdout. In AWS a log metric filter (infra/terraform/modules/country/
alarms.tf) turns each line's `pending` into the `GridCare/CountryApi` `CreditOutboxBacklog`
metric, dimension `Country`, that the backlog alarm watches: no AWS SDK in the application.
Every worker task logs the same database-wide numbers, so the alarm's statistic is unaffected
by how many tasks run.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import TextIO

from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

log = logging.getLogger(__name__)
METRIC_LOGGER = "gridcare.metrics"
METRIC_NAME = "CreditOutboxBacklog"

# Pending rows are read through the partial index `credit_outbox_due` (status = 'pending');
# dead rows are few, but counting them scans the table (no index on status).
BACKLOG = text(
    """
    SELECT p.pending, p.oldest_pending_seconds,
           (SELECT count(*) FROM credit_outbox WHERE status = 'dead') AS dead
    FROM (
        SELECT count(*) AS pending,
               coalesce(floor(extract(epoch FROM now() - min(created_at))), 0)::bigint
                   AS oldest_pending_seconds
        FROM credit_outbox WHERE status = 'pending'
    ) p
    """
)


class Backlog(SQLModel):
    pending: int
    """Credits not yet accepted by the meter platform (including those waiting to retry)."""
    dead: int
    """Credits given up on; `gridcare payments retry-credits` revives them."""
    oldest_pending_seconds: int
    """How long the oldest pending credit has waited since its payment; 0 when none waits."""


def outbox_backlog(*, session: Session) -> Backlog:
    row = session.execute(BACKLOG).mappings().one()
    return Backlog(
        pending=int(row["pending"]),
        dead=int(row["dead"]),
        oldest_pending_seconds=int(row["oldest_pending_seconds"]),
    )


class _StdoutHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stdout` is at the time (test runners replace it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def metric_logger() -> logging.Logger:
    """The metrics logger, writing bare JSON lines to stdout (uvicorn configures no root)."""
    logger = logging.getLogger(METRIC_LOGGER)
    if not any(isinstance(handler, _StdoutHandler) for handler in logger.handlers):
        handler = _StdoutHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return logger


def log_backlog(*, engine: Engine, country_code: str) -> Backlog:
    with Session(engine) as session:
        backlog = outbox_backlog(session=session)
    line = {"metric": METRIC_NAME, "country": country_code, **backlog.model_dump()}
    metric_logger().info(json.dumps(line))
    return backlog
