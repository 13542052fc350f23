"""Dead-lettered credits found by index: the backlog metric counts them every minute.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX credit_outbox_dead ON credit_outbox (id) WHERE status = 'dead'")


def downgrade() -> None:
    op.execute("DROP INDEX credit_outbox_dead")
