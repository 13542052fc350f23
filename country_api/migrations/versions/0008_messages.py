"""Outbound messages: every SMS we send (receipts first) with its delivery status, and every
status the SMS gateway app reported; the language a customer reads. Inbox messages that break
the gateway protocol's limits are kept with the outcome `invalid`.

Revision ID: 0008_messages
Revises: 0007_onboarding
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_messages"
down_revision = "0007_onboarding"
branch_labels = None
depends_on = None

NOW = sa.text("now()")
OUTCOMES = (
    "'received', 'payment', 'duplicate', 'unmatched', 'fee', 'unparsed', 'rejected', 'parked'"
)


def _time(name: str, *, required: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=not required,
        server_default=NOW if required else None,
    )


def upgrade() -> None:
    op.add_column("customers", sa.Column("language", sa.String(10)))
    op.execute("ALTER TABLE sms_messages DROP CONSTRAINT sms_outcome")
    op.execute(
        f"ALTER TABLE sms_messages ADD CONSTRAINT sms_outcome CHECK (outcome IN ({OUTCOMES},"
        " 'invalid'))"
    )
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("gateway_id", sa.String(64), nullable=False, unique=True),
        sa.Column("channel", sa.String(20), nullable=False, server_default="sms"),
        sa.Column("recipient", sa.String(20), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("language", sa.String(20)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("account_id", sa.BigInteger, sa.ForeignKey("accounts.id")),
        sa.Column("account_number", sa.String(16)),
        sa.Column("customer_id", sa.BigInteger, sa.ForeignKey("customers.id")),
        sa.Column("payment_id", sa.BigInteger, sa.ForeignKey("payments.id")),
        sa.Column("status", sa.String(20), nullable=False, server_default="queued"),
        sa.Column("gateway", sa.String(100)),
        sa.Column("reason", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        _time("created_at", required=True),
        _time("handed_over_at"),
        _time("sent_at"),
        _time("delivered_at"),
        _time("failed_at"),
        _time("updated_at", required=True),
        sa.CheckConstraint(
            "status IN ('queued', 'handed_over', 'pending', 'sent', 'delivered', 'failed')",
            name="outbound_messages_status",
        ),
        sa.CheckConstraint(
            "kind IN ('receipt', 'low_balance', 'notice', 'reply', 'balance')",
            name="outbound_messages_kind",
        ),
    )
    op.execute(
        "CREATE INDEX outbound_messages_offered ON outbound_messages (channel, id)"
        " WHERE status IN ('queued', 'handed_over')"
    )
    op.create_index("outbound_messages_account", "outbound_messages", ["account_number", "id"])
    op.create_index("outbound_messages_customer", "outbound_messages", ["customer_id", "id"])
    op.create_index("outbound_messages_created", "outbound_messages", ["created_at"])
    op.create_table(
        "message_status_events",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("gateway_id", sa.String(120), nullable=False),
        sa.Column("message_id", sa.BigInteger, sa.ForeignKey("outbound_messages.id")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("applied", sa.Boolean, nullable=False, server_default=sa.false()),
        _time("received_at", required=True),
    )
    op.create_index("message_status_events_message", "message_status_events", ["message_id"])


def downgrade() -> None:
    op.drop_table("message_status_events")
    op.drop_table("outbound_messages")
    op.drop_column("customers", "language")
    op.execute("UPDATE sms_messages SET outcome = 'rejected' WHERE outcome = 'invalid'")
    op.execute("ALTER TABLE sms_messages DROP CONSTRAINT sms_outcome")
    op.execute(
        f"ALTER TABLE sms_messages ADD CONSTRAINT sms_outcome CHECK (outcome IN ({OUTCOMES}))"
    )
