"""Registration: the customer fields field teams collect, import keys, sites managed in the
database (district, active, other spellings, staff edits the country-file sync leaves alone).

Existing customers keep their rows: `category` is filled from `customer_type`, every new column
is nullable or has a default, and `search_text` is rebuilt with the village and second phone.

Revision ID: 0006_registration
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0006_registration"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD_SEARCH_TEXT = (
    "lower(first_name || ' ' || last_name || ' ' || coalesce(phone, '') || ' '"
    " || coalesce(national_id, ''))"
)
NEW_SEARCH_TEXT = (
    "lower(first_name || ' ' || last_name || ' ' || coalesce(phone, '') || ' '"
    " || coalesce(national_id, '') || ' ' || coalesce(second_phone, '') || ' '"
    " || coalesce(village, ''))"
)


def _search_text(expression: str) -> None:
    op.execute("DROP INDEX customers_search_trgm")
    op.drop_column("customers", "search_text")
    op.add_column(
        "customers",
        sa.Column("search_text", sa.Text, sa.Computed(expression, persisted=True)),
    )
    op.execute(
        "CREATE INDEX customers_search_trgm ON customers USING gin (search_text gin_trgm_ops)"
    )


def upgrade() -> None:
    op.add_column("customers", sa.Column("gender", sa.String(10)))
    op.add_column("customers", sa.Column("latitude", sa.Numeric(9, 6)))
    op.add_column("customers", sa.Column("longitude", sa.Numeric(9, 6)))
    op.add_column("customers", sa.Column("village", sa.String(100)))
    op.add_column("customers", sa.Column("plot_number", sa.String(40)))
    op.add_column("customers", sa.Column("second_phone", sa.String(20)))
    op.add_column(
        "customers",
        sa.Column("category", sa.String(20), nullable=False, server_default="household"),
    )
    op.add_column("customers", sa.Column("rooms", sa.SmallInteger))
    op.add_column("customers", sa.Column("appliances", sa.SmallInteger))
    op.add_column("customers", sa.Column("import_key", sa.String(64)))
    op.execute(
        "UPDATE customers SET category = customer_type"
        " WHERE customer_type IN ('household', 'business', 'institution')"
    )
    op.create_check_constraint(
        "customer_gender", "customers", "gender IN ('female', 'male', 'other')"
    )
    op.create_check_constraint(
        "customer_category",
        "customers",
        "category IN ('household', 'business', 'institution', 'productive_use')",
    )
    op.create_check_constraint(
        "customer_position",
        "customers",
        "(latitude IS NULL) = (longitude IS NULL)"
        " AND (latitude IS NULL OR latitude BETWEEN -90 AND 90)"
        " AND (longitude IS NULL OR longitude BETWEEN -180 AND 180)",
    )
    op.create_check_constraint(
        "customer_counts", "customers", "coalesce(rooms, 0) >= 0 AND coalesce(appliances, 0) >= 0"
    )
    op.create_index(
        "customers_import_key",
        "customers",
        ["import_key"],
        unique=True,
        postgresql_where=sa.text("import_key IS NOT NULL"),
    )
    op.execute(
        "CREATE INDEX customers_national_id ON customers (upper(national_id))"
        " WHERE national_id IS NOT NULL"
    )
    op.create_index("customers_second_phone", "customers", ["second_phone"])
    _search_text(NEW_SEARCH_TEXT)

    op.add_column("sites", sa.Column("district", sa.String(100)))
    op.add_column(
        "sites", sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true())
    )
    op.add_column(
        "sites",
        sa.Column("alt_names", ARRAY(sa.String), nullable=False, server_default="{}"),
    )
    op.add_column("sites", sa.Column("edited_by", sa.String(100)))
    op.add_column("sites", sa.Column("edited_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    for column in ("edited_at", "edited_by", "alt_names", "active", "district"):
        op.drop_column("sites", column)
    _search_text(OLD_SEARCH_TEXT)
    op.drop_index("customers_second_phone", table_name="customers")
    op.drop_index("customers_national_id", table_name="customers")
    op.drop_index("customers_import_key", table_name="customers")
    for constraint in ("customer_counts", "customer_position", "customer_category"):
        op.drop_constraint(constraint, "customers", type_="check")
    op.drop_constraint("customer_gender", "customers", type_="check")
    for column in (
        "import_key",
        "appliances",
        "rooms",
        "category",
        "second_phone",
        "plot_number",
        "village",
        "longitude",
        "latitude",
        "gender",
    ):
        op.drop_column("customers", column)
