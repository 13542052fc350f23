"""Metering: raw readings and hourly consumption, partitioned by time.

Both big tables are range-partitioned by month and carry no foreign keys: per-row FK
triggers would dominate bulk loads (COPY of millions of rows); ingest resolves meters first.
The migration creates only the parents: the application creates the monthly partitions ahead
of time (`country_api.metering.partitions`).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE readings (
            meter_pk bigint NOT NULL,
            time timestamptz NOT NULL,
            energy_active_wh numeric(16, 3),
            energy_integrated_wh numeric(16, 3),
            interval_wh numeric(14, 3),
            power_w numeric(12, 2),
            voltage_v numeric(8, 2),
            current_a numeric(8, 3),
            frequency_hz numeric(6, 2),
            relay varchar(8),
            source varchar(16) NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (meter_pk, time),
            CONSTRAINT reading_has_energy CHECK (
                energy_active_wh IS NOT NULL OR interval_wh IS NOT NULL
            )
        ) PARTITION BY RANGE (time)
        """
    )
    op.execute(
        """
        CREATE TABLE hourly_consumption (
            meter_pk bigint NOT NULL,
            hour timestamptz NOT NULL,
            account_id bigint,
            role varchar(10),
            kwh numeric(14, 6) NOT NULL,
            source varchar(16) NOT NULL,
            PRIMARY KEY (meter_pk, hour),
            CONSTRAINT hour_is_whole CHECK (hour = date_trunc('hour', hour, 'UTC')),
            CONSTRAINT consumption_not_negative CHECK (kwh >= 0)
        ) PARTITION BY RANGE (hour)
        """
    )
    op.execute("CREATE INDEX hourly_consumption_account ON hourly_consumption (account_id, hour)")
    # The rollup finds the assignment open during each hour, per meter.
    op.execute(
        "CREATE INDEX IF NOT EXISTS meter_assignments_meter_time"
        " ON meter_assignments (meter_pk, started_at)"
    )
    op.execute(
        """
        CREATE TABLE reading_rejections (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT now(),
            source varchar(16) NOT NULL,
            meter_id varchar(64),
            status_code smallint NOT NULL,
            reason text NOT NULL,
            payload jsonb NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX reading_rejections_at ON reading_rejections (at DESC)")
    op.execute(
        """
        CREATE TABLE import_cursors (
            source varchar(16) NOT NULL,
            scope varchar(128) NOT NULL,
            watermark timestamptz,
            window_start timestamptz,
            window_end timestamptz,
            cursor text,
            budget_day date,
            requests_on_budget_day integer NOT NULL DEFAULT 0,
            paused_until timestamptz,
            last_error text,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (source, scope)
        )
        """
    )


def downgrade() -> None:
    for table in ("import_cursors", "reading_rejections", "hourly_consumption", "readings"):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("DROP INDEX IF EXISTS meter_assignments_meter_time")
