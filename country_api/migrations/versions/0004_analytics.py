"""Analytics rollups: monthly figures per account and per site, and the queue that keeps them exact.

Months are the country's local months (the application passes the timezone when it refreshes).
The triggers only note which (account, UTC day) a statement touched (and whether
payments or hourly rows) in
`analytics_dirty`; `country_api.analytics.rollups` recomputes those cells from the base
tables, so the rollups never drift whatever writes the ledger or the hourly consumption.
The queue has no key on purpose: concurrent writers append and never wait on each other.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_UTC_DAY = "CAST({column} AT TIME ZONE 'UTC' AS date)"


def _cells(table: str, column: str, *, reversed_payments: bool = False) -> str:
    """(account, UTC day, what) of the rows in a transition table, and of the payments they
    reverse; `what` is `payments` or `hourly` (only the latter needs the hourly profile)."""
    day = _UTC_DAY.format(column=column)
    what = "'payments'" if column == "paid_at" else "'hourly'"
    select = (
        f"SELECT DISTINCT account_id, {day}, {what} FROM {table}"  # noqa: S608
        " WHERE account_id IS NOT NULL"
    )
    if reversed_payments:
        original = _UTC_DAY.format(column="p.paid_at")
        select += (
            f" UNION SELECT p.account_id, {original}, {what}"  # noqa: S608
            f" FROM {table} c JOIN payments p ON p.id = c.reverses_id"
        )
    return select


_TRIGGERS = {
    # name: (table, event, transition tables, SELECT of the touched (account_id, utc_day, what))
    "payments_ins": (
        "payments",
        "INSERT",
        "NEW TABLE AS changed",
        _cells("changed", "paid_at", reversed_payments=True),
    ),
    "payments_upd": (
        "payments",
        "UPDATE",
        "OLD TABLE AS before NEW TABLE AS changed",
        _cells("changed", "paid_at", reversed_payments=True)
        + " UNION "
        + _cells("before", "paid_at"),
    ),
    "payments_del": (
        "payments",
        "DELETE",
        "OLD TABLE AS before",
        _cells("before", "paid_at", reversed_payments=True),
    ),
    "hourly_ins": (
        "hourly_consumption",
        "INSERT",
        "NEW TABLE AS changed",
        _cells("changed", "hour"),
    ),
    "hourly_upd": (
        "hourly_consumption",
        "UPDATE",
        "OLD TABLE AS before NEW TABLE AS changed",
        _cells("changed", "hour") + " UNION " + _cells("before", "hour"),
    ),
    "hourly_del": ("hourly_consumption", "DELETE", "OLD TABLE AS before", _cells("before", "hour")),
}


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE analytics_dirty (
            account_id bigint NOT NULL,
            utc_day date NOT NULL,
            what varchar(8) NOT NULL,
            queued_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE account_month (
            account_id bigint NOT NULL,
            month date NOT NULL,
            site_code varchar(3) NOT NULL,
            revenue_minor bigint NOT NULL DEFAULT 0,
            fee_minor bigint NOT NULL DEFAULT 0,
            payments integer NOT NULL DEFAULT 0,
            kwh_vended numeric(18, 4) NOT NULL DEFAULT 0,
            kwh_consumed numeric(18, 6) NOT NULL DEFAULT 0,
            PRIMARY KEY (account_id, month)
        )
        """
    )
    op.execute("CREATE INDEX account_month_month ON account_month (month, site_code)")
    op.execute(
        """
        CREATE TABLE account_hour_profile (
            account_id bigint NOT NULL,
            month date NOT NULL,
            hour_of_day smallint NOT NULL CHECK (hour_of_day BETWEEN 0 AND 23),
            kwh numeric(18, 6) NOT NULL,
            hours integer NOT NULL,
            PRIMARY KEY (account_id, month, hour_of_day)
        )
        """
    )
    op.execute("CREATE INDEX account_hour_profile_month ON account_hour_profile (month)")
    op.execute(
        """
        CREATE TABLE account_first_payment (
            account_id bigint PRIMARY KEY,
            site_code varchar(3) NOT NULL,
            first_month date NOT NULL
        )
        """
    )
    op.execute(
        "CREATE INDEX account_first_payment_site ON account_first_payment (site_code, first_month)"
    )
    op.execute(
        """
        CREATE TABLE site_month (
            site_code varchar(3) NOT NULL,
            month date NOT NULL,
            revenue_minor bigint NOT NULL DEFAULT 0,
            fee_minor bigint NOT NULL DEFAULT 0,
            payments integer NOT NULL DEFAULT 0,
            kwh_vended numeric(18, 4) NOT NULL DEFAULT 0,
            kwh_consumed numeric(18, 6) NOT NULL DEFAULT 0,
            paying_accounts integer NOT NULL DEFAULT 0,
            consuming_accounts integer NOT NULL DEFAULT 0,
            new_payers integer NOT NULL DEFAULT 0,
            PRIMARY KEY (site_code, month)
        )
        """
    )
    for name, (table, event, referencing, body) in _TRIGGERS.items():
        op.execute(
            f"""
            CREATE FUNCTION analytics_mark_{name}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO analytics_dirty (account_id, utc_day, what) {body};
                RETURN NULL;
            END $$
            """
        )
        op.execute(
            f"CREATE TRIGGER analytics_mark_{name} AFTER {event} ON {table}"
            f" REFERENCING {referencing} FOR EACH STATEMENT"
            f" EXECUTE FUNCTION analytics_mark_{name}()"
        )
    # Data from before this migration: queued like any write, so the first refresh (the API's
    # background refresher, a report, or `gridcare analytics rebuild-rollups`) builds it.
    op.execute(
        "INSERT INTO analytics_dirty (account_id, utc_day, what)"
        f" {_cells('payments', 'paid_at')} UNION {_cells('hourly_consumption', 'hour')}"
    )


def downgrade() -> None:
    for name, (table, _, _, _) in _TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS analytics_mark_{name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS analytics_mark_{name}()")
    for table in (
        "site_month",
        "account_first_payment",
        "account_hour_profile",
        "account_month",
        "analytics_dirty",
    ):
        op.execute(f"DROP TABLE IF EXISTS {table}")
