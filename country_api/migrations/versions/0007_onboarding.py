"""Onboarding: staff steps with who and when, commissioning records, platform customers to
create through an outbox, signed supply contracts.

Revision ID: 0007_onboarding
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007_onboarding"
down_revision = "0006_registration"
branch_labels = None
depends_on = None

NOW = sa.text("now()")
STAFF_STEPS = "('installed', 'commissioned', 'active', 'disconnected', 'decommissioned')"


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True)


def _timestamp(name: str, *, required: bool = True) -> sa.Column:  # type: ignore[type-arg]
    default = NOW if required else None
    return sa.Column(
        name, sa.DateTime(timezone=True), nullable=not required, server_default=default
    )


def _account() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("account_id", sa.BigInteger, sa.ForeignKey("accounts.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "onboarding_events",
        _id(),
        _account(),
        sa.Column("step", sa.String(20), nullable=False),
        _timestamp("at"),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("note", sa.Text),
        sa.CheckConstraint(f"step IN {STAFF_STEPS}", name="onboarding_event_step"),
    )
    op.create_index("onboarding_events_account", "onboarding_events", ["account_id", "step"])

    op.create_table(
        "commissionings",
        _id(),
        _account(),
        sa.Column("meter_pk", sa.BigInteger, sa.ForeignKey("meters.id"), nullable=False),
        sa.Column("latitude", sa.Numeric(9, 6), nullable=False),
        sa.Column("longitude", sa.Numeric(9, 6), nullable=False),
        sa.Column("phase", sa.String(10)),
        sa.Column("breaker_amps", sa.Integer),
        sa.Column("connection_point", sa.String(60)),
        sa.Column("notes", sa.Text),
        sa.Column("connected_on", sa.Date, nullable=False),
        sa.Column("commissioned_by", sa.String(100), nullable=False),
        _timestamp("commissioned_at"),
    )
    op.create_index("commissionings_account", "commissionings", ["account_id"])

    op.create_table(
        "platform_customer_outbox",
        _id(),
        _account(),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("site_code", sa.String(3), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        _timestamp("next_attempt_at"),
        sa.Column("last_error", sa.Text),
        sa.Column("platform_reference", sa.String(120)),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("done_at", required=False),
        sa.UniqueConstraint("account_id", "platform", name="one_platform_customer_per_account"),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'dead')", name="platform_customer_status"
        ),
    )
    op.create_index(
        "platform_customer_outbox_due",
        "platform_customer_outbox",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )

    op.create_table(
        "contracts",
        _id(),
        _account(),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("signature_png", sa.LargeBinary, nullable=False),
        sa.Column("signer_name", sa.String(200), nullable=False),
        sa.Column("witnessed_by", sa.String(100), nullable=False),
        _timestamp("signed_at"),
    )
    op.create_index("contracts_account", "contracts", ["account_id", "signed_at"])


def downgrade() -> None:
    op.drop_table("contracts")
    op.drop_table("platform_customer_outbox")
    op.drop_table("commissionings")
    op.drop_table("onboarding_events")
