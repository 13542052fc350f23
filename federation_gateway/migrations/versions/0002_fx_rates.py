"""FX rates: monthly average rates to USD with their source, and every forced change to one.

A rate that a rollup has used gets `used_at`; `federation_gateway.fx.service` refuses to change
it afterwards unless forced, and a forced change leaves a row in `fx_rate_changes`.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fx_rates",
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("usd_per_unit", sa.Numeric(24, 12), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column(
            "stored_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("usd_per_unit > 0", name="fx_rates_positive"),
        sa.CheckConstraint("extract(day from month) = 1", name="fx_rates_first_of_month"),
        sa.CheckConstraint("currency = upper(currency)", name="fx_rates_currency_upper"),
    )
    op.create_table(
        "fx_rate_changes",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("old_usd_per_unit", sa.Numeric(24, 12), nullable=False),
        sa.Column("new_usd_per_unit", sa.Numeric(24, 12), nullable=False),
        sa.Column("old_source", sa.String(200), nullable=False),
        sa.Column("new_source", sa.String(200), nullable=False),
        sa.Column("was_used", sa.Boolean, nullable=False),
        sa.Column(
            "changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )


def downgrade() -> None:
    op.drop_table("fx_rate_changes")
    op.drop_table("fx_rates")
