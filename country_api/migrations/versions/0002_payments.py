"""Payments: SMS inbox, ledger, tariffs, fees, operator templates, credit outbox.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True)


def _timestamp(name: str, *, required: bool = True) -> sa.Column:  # type: ignore[type-arg]
    default = NOW if required else None
    return sa.Column(
        name, sa.DateTime(timezone=True), nullable=not required, server_default=default
    )


def upgrade() -> None:
    op.create_table(
        "tariffs",
        _id(),
        sa.Column("site_code", sa.String(3), sa.ForeignKey("sites.code")),
        sa.Column("customer_id", sa.BigInteger, sa.ForeignKey("customers.id")),
        sa.Column("rate_per_kwh", sa.Numeric(14, 4), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _timestamp("effective_from"),
        _timestamp("created_at"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("note", sa.Text),
        sa.CheckConstraint("rate_per_kwh > 0", name="tariff_rate_positive"),
        sa.CheckConstraint("site_code IS NULL OR customer_id IS NULL", name="tariff_one_scope"),
    )
    op.create_index("tariffs_customer", "tariffs", ["customer_id", "effective_from"])
    op.create_index("tariffs_site", "tariffs", ["site_code", "effective_from"])

    op.create_table(
        "sms_templates",
        _id(),
        sa.Column("name", sa.String(60), nullable=False, unique=True),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("sender", sa.String(100)),
        sa.Column("pattern", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        _timestamp("created_at"),
        sa.Column("created_by", sa.String(100), nullable=False),
    )

    op.create_table(
        "payments",
        _id(),
        sa.Column("account_id", sa.BigInteger, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False, server_default="payment"),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(120), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("electricity_minor", sa.BigInteger, nullable=False),
        sa.Column("fee_minor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("kwh", sa.Numeric(16, 4), nullable=False, server_default="0"),
        sa.Column("rate", sa.Numeric(14, 4)),
        sa.Column("tariff_id", sa.BigInteger, sa.ForeignKey("tariffs.id")),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        _timestamp("recorded_at"),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("payer_phone", sa.String(20)),
        sa.Column("reverses_id", sa.BigInteger, sa.ForeignKey("payments.id"), unique=True),
        sa.Column("recorded_by", sa.String(100)),
        sa.Column("note", sa.Text),
        sa.UniqueConstraint("provider", "reference", name="payments_provider_reference"),
        sa.CheckConstraint("kind IN ('payment', 'reversal')", name="payment_kind"),
        sa.CheckConstraint(
            "(kind = 'reversal') = (reverses_id IS NOT NULL)", name="payment_reversal_link"
        ),
        sa.CheckConstraint(
            "electricity_minor + fee_minor = amount_minor", name="payment_split_adds_up"
        ),
    )
    op.create_index("payments_account_paid", "payments", ["account_id", "paid_at"])
    op.create_index("payments_paid_at", "payments", ["paid_at"])

    op.create_table(
        "sms_messages",
        _id(),
        sa.Column("source", sa.String(10), nullable=False, server_default="gateway"),
        sa.Column("gateway_message_id", sa.String(120), nullable=False),
        sa.Column("sender", sa.String(100), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _timestamp("sms_sent", required=False),
        _timestamp("sms_received", required=False),
        _timestamp("received_at"),
        sa.Column("outcome", sa.String(12), nullable=False, server_default="received"),
        sa.Column("reason", sa.Text),
        sa.Column("parser", sa.String(60)),
        sa.Column("parsed", JSONB),
        sa.Column("payment_id", sa.BigInteger, sa.ForeignKey("payments.id")),
        sa.Column("account_number", sa.String(16)),
        sa.Column("receipt", sa.Text),
        sa.Column("allocated_by", sa.String(100)),
        _timestamp("allocated_at", required=False),
        sa.UniqueConstraint(
            "gateway_message_id", "sender", "content_hash", name="sms_messages_gateway_key"
        ),
        sa.CheckConstraint(
            "outcome IN ('received', 'payment', 'duplicate', 'unmatched', 'fee', 'unparsed',"
            " 'rejected', 'parked')",
            name="sms_outcome",
        ),
    )
    op.create_index("sms_messages_outcome", "sms_messages", ["outcome", "id"])

    op.create_table(
        "fee_charges",
        _id(),
        sa.Column("account_id", sa.BigInteger, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("fee_code", sa.String(40), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        _timestamp("charged_at"),
        sa.UniqueConstraint("account_id", "fee_code", name="fee_charged_once"),
        sa.CheckConstraint("amount_minor > 0", name="fee_charge_positive"),
    )
    op.create_table(
        "payment_fees",
        _id(),
        sa.Column("payment_id", sa.BigInteger, sa.ForeignKey("payments.id"), nullable=False),
        sa.Column("account_id", sa.BigInteger, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("fee_code", sa.String(40), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
    )
    op.create_index("payment_fees_account", "payment_fees", ["account_id", "fee_code"])
    op.create_index("payment_fees_payment", "payment_fees", ["payment_id"])

    op.create_table(
        "credit_outbox",
        _id(),
        sa.Column(
            "payment_id", sa.BigInteger, sa.ForeignKey("payments.id"), nullable=False, unique=True
        ),
        sa.Column("site_code", sa.String(3), nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        _timestamp("next_attempt_at"),
        sa.Column("last_error", sa.Text),
        sa.Column("platform_reference", sa.String(120)),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("done_at", required=False),
        sa.CheckConstraint("status IN ('pending', 'done', 'dead')", name="outbox_status"),
    )
    op.create_index(
        "credit_outbox_due",
        "credit_outbox",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    for table in (
        "credit_outbox",
        "payment_fees",
        "fee_charges",
        "sms_messages",
        "payments",
        "sms_templates",
        "tariffs",
    ):
        op.drop_table(table)
