"""Core tables: sites, customers, accounts, meters, meter assignments, audited mutations.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def _timestamp(name: str, *, required: bool = True) -> sa.Column:  # type: ignore[type-arg]
    default = NOW if required else None
    return sa.Column(
        name, sa.DateTime(timezone=True), nullable=not required, server_default=default
    )


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "sites",
        sa.Column("code", sa.String(3), primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("meter_platform", sa.String, nullable=False),
        _timestamp("created_at"),
        sa.CheckConstraint("code ~ '^[A-Z]{3}$'", name="site_code_format"),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("phone", sa.String(20)),
        sa.Column("national_id", sa.String(40)),
        sa.Column("customer_type", sa.String(20), nullable=False, server_default="household"),
        sa.Column("site_code", sa.String(3), sa.ForeignKey("sites.code"), nullable=False),
        sa.Column("connected_at", sa.Date),
        sa.Column("terminated_at", sa.Date),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.Column(
            "search_text",
            sa.Text,
            sa.Computed(
                "lower(first_name || ' ' || last_name || ' ' || coalesce(phone, '') || ' '"
                " || coalesce(national_id, ''))",
                persisted=True,
            ),
        ),
    )
    op.create_index("customers_site", "customers", ["site_code"])
    op.create_index("customers_phone", "customers", ["phone"])
    op.execute(
        "CREATE INDEX customers_search_trgm ON customers USING gin (search_text gin_trgm_ops)"
    )
    op.create_table(
        "site_account_sequences",
        sa.Column("site_code", sa.String(3), sa.ForeignKey("sites.code"), primary_key=True),
        sa.Column("last_value", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("account_number", sa.String(16), nullable=False, unique=True),
        sa.Column("customer_id", sa.BigInteger, sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("site_code", sa.String(3), sa.ForeignKey("sites.code"), nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        _timestamp("opened_at"),
        _timestamp("closed_at", required=False),
        sa.UniqueConstraint("site_code", "sequence", name="accounts_site_sequence"),
        sa.CheckConstraint("account_number = upper(account_number)", name="account_upper"),
    )
    op.create_index("accounts_customer", "accounts", ["customer_id"])
    op.execute(
        "CREATE INDEX accounts_number_trgm ON accounts USING gin (account_number gin_trgm_ops)"
    )
    op.create_table(
        "meters",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("meter_id", sa.String(64), nullable=False, unique=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="inactive"),
        _timestamp("created_at"),
        sa.CheckConstraint(
            "platform IN ('sparkmeter', 'onemeter', 'steamaco', 'legacy')", name="meter_platform"
        ),
        sa.CheckConstraint(
            "status IN ('active', 'inactive', 'decommissioned')", name="meter_status"
        ),
    )
    op.create_table(
        "meter_assignments",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("meter_pk", sa.BigInteger, sa.ForeignKey("meters.id"), nullable=False),
        sa.Column("account_id", sa.BigInteger, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        _timestamp("started_at"),
        _timestamp("ended_at", required=False),
        sa.CheckConstraint("role IN ('primary', 'check', 'backup')", name="meter_role"),
    )
    op.create_index(
        "one_open_assignment_per_meter",
        "meter_assignments",
        ["meter_pk"],
        unique=True,
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    op.create_index(
        "one_primary_per_account",
        "meter_assignments",
        ["account_id"],
        unique=True,
        postgresql_where=sa.text("ended_at IS NULL AND role = 'primary'"),
    )
    op.create_index("assignments_account", "meter_assignments", ["account_id"])
    op.create_table(
        "mutations",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        _timestamp("at"),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("table_name", sa.String(63), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("old_values", JSONB),
        sa.Column("new_values", JSONB),
        sa.Column("reverted_by", sa.BigInteger, sa.ForeignKey("mutations.id")),
        sa.Column("reverts", sa.BigInteger, sa.ForeignKey("mutations.id")),
        sa.CheckConstraint("action IN ('insert', 'update', 'delete')", name="mutation_action"),
    )
    op.create_index("mutations_record", "mutations", ["table_name", "record_id"])
    op.create_index("mutations_at", "mutations", [sa.text("at DESC")])


def downgrade() -> None:
    for table in (
        "mutations",
        "meter_assignments",
        "meters",
        "accounts",
        "site_account_sequences",
        "customers",
        "sites",
    ):
        op.drop_table(table)
