"""Monthly rollups, always recomputed from the base tables cell by cell (never patched by deltas).

A cell is one account in one local month. Per account and month: revenue, fees, number of
payments, kWh vended (payments that were not reversed: a reversal cancels its payment in the
payment's own month), kWh consumed by primary meters and the hour-of-day profile. Per account:
the first month it paid. Per site and month: sums of its accounts' cells and how many
accounts paid for the first time. Accounts belong to the site in their account number, so
payments made before a site existed in the system count for that site.

Triggers (migration 0004) queue the (account, UTC day) of every payment and hourly row
written; `refresh_pending` recomputes those cells, `refresh_rollups` any chosen cells, and
`rebuild_rollups` everything. All three serialise on one advisory lock, so a refresh never
overwrites a newer one with figures from an older snapshot.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import Session

from country_api.analytics.periods import local_month_bounds, local_months_of_utc_day

_LOCK_KEY = 5_400_400_4


@dataclass
class _Touched:
    accounts: set[int] = field(default_factory=set)
    site_months: set[tuple[str, dt.date]] = field(default_factory=set)


def refresh_rollups(
    *,
    session: Session,
    timezone: str,
    months: Iterable[dt.date] | None = None,
    accounts: Iterable[int] | None = None,
) -> int:
    """Recomputes the cells `months` by `accounts` (None: every month / every account).

    Idempotent and exact; returns how many account cells were rewritten. Runs in the
    caller's transaction.
    """
    connection = session.connection()
    _lock(connection)
    zone = zoneinfo.ZoneInfo(timezone)
    account_list = None if accounts is None else sorted(set(accounts))
    touched = _Touched()
    if months is None:
        _recompute(connection, zone, touched, month=None, accounts=account_list)
    else:
        for month in sorted(set(months)):
            _recompute(connection, zone, touched, month=month, accounts=account_list)
    _refresh_first_payments(connection, touched)
    _refresh_sites(connection, touched)
    return len(touched.accounts)


def refresh_pending(*, session: Session, timezone: str) -> int:
    """Recomputes the cells the triggers queued; cheap when nothing changed (one lookup)."""
    connection = session.connection()
    if not connection.execute(text("SELECT EXISTS (SELECT 1 FROM analytics_dirty)")).scalar():
        return 0
    _lock(connection)
    queued = connection.execute(
        text("DELETE FROM analytics_dirty RETURNING account_id, utc_day, what")
    ).all()
    zone = zoneinfo.ZoneInfo(timezone)
    by_month: dict[dt.date, set[int]] = {}
    hours_by_month: dict[dt.date, set[int]] = {}
    for account_id, utc_day, what in queued:
        for month in local_months_of_utc_day(utc_day, zone):
            by_month.setdefault(month, set()).add(account_id)
            if what == "hourly":
                hours_by_month.setdefault(month, set()).add(account_id)
    touched = _Touched()
    for month, accounts in sorted(by_month.items()):
        hours = sorted(hours_by_month.get(month, ()))
        _recompute(
            connection,
            zone,
            touched,
            month=month,
            accounts=sorted(accounts),
            profiles=hours or False,
        )
    _refresh_first_payments(connection, touched)
    _refresh_sites(connection, touched)
    return len(queued)


def rebuild_rollups(*, session: Session, timezone: str) -> int:
    """Throws every rollup away and recomputes it from the base tables; returns account cells."""
    connection = session.connection()
    _lock(connection)
    connection.execute(text("DELETE FROM analytics_dirty"))
    for table in ("site_month", "account_first_payment", "account_month", "account_hour_profile"):
        connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (constant names)
    zone = zoneinfo.ZoneInfo(timezone)
    params = {"tz": zone.key}
    connection.execute(text(_INSERT_PROFILE.format(where="")), params)
    connection.execute(text(_INSERT_MONTHS.format(paid_where="", used_where="")), params)
    connection.execute(text(_INSERT_FIRST.format(where="")))
    connection.execute(text(_INSERT_SITES.format(cells=_ALL_SITE_CELLS)))
    return int(connection.execute(text("SELECT count(*) FROM account_month")).scalar_one())


def _lock(connection: Connection) -> None:
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


_INSERT_PROFILE = """
    INSERT INTO account_hour_profile (account_id, month, hour_of_day, kwh, hours)
    SELECT h.account_id, CAST(date_trunc('month', h.hour AT TIME ZONE :tz) AS date),
           CAST(extract(hour FROM h.hour AT TIME ZONE :tz) AS smallint), sum(h.kwh), count(*)
    FROM hourly_consumption h
    WHERE h.role = 'primary' AND h.account_id IS NOT NULL {where}
    GROUP BY 1, 2, 3
"""

_INSERT_MONTHS = """
    WITH paid AS (
        SELECT p.account_id, CAST(date_trunc('month', p.paid_at AT TIME ZONE :tz) AS date) AS month,
               sum(p.amount_minor) AS revenue, sum(p.fee_minor) AS fees, count(*) AS payments,
               sum(p.kwh) AS kwh
        FROM payments p
        WHERE p.kind = 'payment'
          AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.reverses_id = p.id) {paid_where}
        GROUP BY 1, 2
    ),
    used AS (
        SELECT account_id, month, sum(kwh) AS kwh FROM account_hour_profile
        WHERE TRUE {used_where}
        GROUP BY 1, 2
    ),
    cells AS (
        SELECT account_id, month, coalesce(paid.revenue, 0) AS revenue,
               coalesce(paid.fees, 0) AS fees, coalesce(paid.payments, 0) AS payments,
               coalesce(paid.kwh, 0) AS kwh_vended, coalesce(used.kwh, 0) AS kwh_consumed
        FROM paid FULL JOIN used USING (account_id, month)
    )
    INSERT INTO account_month (account_id, month, site_code, revenue_minor, fee_minor, payments,
                               kwh_vended, kwh_consumed)
    SELECT c.account_id, c.month, a.site_code, c.revenue, c.fees, c.payments, c.kwh_vended,
           c.kwh_consumed
    FROM cells c JOIN accounts a ON a.id = c.account_id
    RETURNING account_id, month, site_code
"""

_INSERT_FIRST = """
    INSERT INTO account_first_payment (account_id, site_code, first_month)
    SELECT account_id, min(site_code), min(month) FROM account_month
    WHERE payments > 0 {where}
    GROUP BY account_id
    RETURNING site_code, first_month
"""

_ALL_SITE_CELLS = """
    (SELECT site_code, month FROM account_month
     UNION SELECT site_code, first_month FROM account_first_payment)
"""

_INSERT_SITES = """
    INSERT INTO site_month (site_code, month, revenue_minor, fee_minor, payments, kwh_vended,
                            kwh_consumed, paying_accounts, consuming_accounts, new_payers)
    SELECT c.site_code, c.month, coalesce(sum(am.revenue_minor), 0),
           coalesce(sum(am.fee_minor), 0), coalesce(sum(am.payments), 0),
           coalesce(sum(am.kwh_vended), 0), coalesce(sum(am.kwh_consumed), 0),
           count(am.account_id) FILTER (WHERE am.payments > 0),
           count(am.account_id) FILTER (WHERE am.kwh_consumed > 0),
           (SELECT count(*) FROM account_first_payment f
            WHERE f.site_code = c.site_code AND f.first_month = c.month)
    FROM {cells} AS c(site_code, month)
    LEFT JOIN account_month am ON am.site_code = c.site_code AND am.month = c.month
    GROUP BY c.site_code, c.month
"""


def _recompute(
    connection: Connection,
    zone: zoneinfo.ZoneInfo,
    touched: _Touched,
    *,
    month: dt.date | None,
    accounts: list[int] | None,
    profiles: list[int] | bool = True,
) -> None:
    """Rewrites the cells `month` x `accounts`; their hourly profiles too unless `profiles` is
    False (only payments changed) or names the only accounts whose hours changed."""
    params: dict[str, Any] = {"tz": zone.key, "accounts": accounts, "month": month}
    cell = "" if accounts is None else " AND account_id = ANY(:accounts)"
    if month is not None:
        cell += " AND month = :month"
        params["lo"], params["hi"] = local_month_bounds(month, zone)
    if profiles is not False:
        _recompute_profiles(connection, params, None if profiles is True else profiles)
    paid = cell.replace("account_id", "p.account_id").replace(
        " AND month = :month", " AND p.paid_at >= :lo AND p.paid_at < :hi"
    )
    removed = connection.execute(
        text(f"DELETE FROM account_month WHERE TRUE {cell} RETURNING account_id, month, site_code"),  # noqa: S608
        params,
    ).all()
    added = connection.execute(
        text(_INSERT_MONTHS.format(paid_where=paid, used_where=cell)), params
    ).all()
    for account_id, cell_month, site_code in [*removed, *added]:
        touched.accounts.add(account_id)
        touched.site_months.add((site_code, cell_month))


def _recompute_profiles(
    connection: Connection, params: dict[str, Any], only: list[int] | None
) -> None:
    params = {**params, "accounts": only or params["accounts"]}
    cell = "" if params["accounts"] is None else " AND account_id = ANY(:accounts)"
    if params["month"] is not None:
        cell += " AND month = :month"
    hourly = cell.replace("account_id", "h.account_id").replace(
        " AND month = :month", " AND h.hour >= :lo AND h.hour < :hi"
    )
    connection.execute(
        text(f"DELETE FROM account_hour_profile WHERE TRUE {cell}"),  # noqa: S608
        params,
    )
    connection.execute(text(_INSERT_PROFILE.format(where=hourly)), params)


def _refresh_first_payments(connection: Connection, touched: _Touched) -> None:
    if not touched.accounts:
        return
    params = {"accounts": sorted(touched.accounts)}
    removed = connection.execute(
        text(
            "DELETE FROM account_first_payment WHERE account_id = ANY(:accounts)"
            " RETURNING site_code, first_month"
        ),
        params,
    ).all()
    added = connection.execute(
        text(_INSERT_FIRST.format(where="AND account_id = ANY(:accounts)")), params
    ).all()
    touched.site_months.update((site, month) for site, month in [*removed, *added])


def _refresh_sites(connection: Connection, touched: _Touched) -> None:
    if not touched.site_months:
        return
    cells = sorted(touched.site_months)
    params = {"sites": [site for site, _ in cells], "months": [month for _, month in cells]}
    pairs = "unnest(CAST(:sites AS varchar[]), CAST(:months AS date[]))"
    connection.execute(
        text(f"DELETE FROM site_month WHERE (site_code, month) IN (SELECT * FROM {pairs})"),  # noqa: S608
        params,
    )
    connection.execute(text(_INSERT_SITES.format(cells=pairs)), params)
