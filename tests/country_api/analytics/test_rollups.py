"""The rollups always equal the same figures computed from the base tables."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, text
from sqlmodel import Session

from country_api.analytics.rollups import rebuild_rollups, refresh_rollups
from tests.country_api.analytics.factories import (
    add_account,
    consume,
    expected_from_base,
    pay,
    refresh,
    reverse,
    rollups,
    utc,
)


def assert_exact(engine: Engine) -> None:
    refresh(engine)
    with engine.connect() as connection:
        expected, actual = expected_from_base(connection), rollups(connection)
        queued = connection.execute(text("SELECT count(*) FROM analytics_dirty")).scalar_one()
    assert actual.account_month == expected.account_month
    assert actual.first_month == expected.first_month
    assert actual.site_month == expected.site_month
    assert queued == 0


def test_rollups_follow_a_mixed_sequence_of_writes(ls_engine: Engine) -> None:
    a = add_account(ls_engine, "0001MAK")
    b = add_account(ls_engine, "0002MAK")
    c = add_account(ls_engine, "0001SHG")
    first = pay(ls_engine, a, 10_000, utc("2025-01-15 10:00"))
    assert_exact(ls_engine)
    pay(ls_engine, a, 5_000, utc("2025-02-10 08:00"), fee_minor=2_000)
    late = pay(ls_engine, b, 3_000, utc("2025-03-31 23:30"))  # April in Maseru
    assert_exact(ls_engine)
    with ls_engine.connect() as connection:
        month = connection.execute(
            text("SELECT month FROM account_month WHERE account_id = :b"), {"b": b}
        ).scalar_one()
    assert month == dt.date(2025, 4, 1)

    reverse(ls_engine, first)  # a's first payment month moves from January to February
    assert_exact(ls_engine)
    with ls_engine.connect() as connection:
        first_month = connection.execute(
            text("SELECT first_month FROM account_first_payment WHERE account_id = :a"), {"a": a}
        ).scalar_one()
    assert first_month == dt.date(2025, 2, 1)

    for hour in range(0, 48, 3):
        consume(ls_engine, 7, a, utc("2025-01-31 12:00") + dt.timedelta(hours=hour), "0.25")
    consume(ls_engine, 8, a, utc("2025-02-01 00:00"), "3.5", role="check")  # not counted
    consume(ls_engine, 9, c, utc("2025-02-03 10:00"), "1.125")
    assert_exact(ls_engine)

    consume(ls_engine, 7, a, utc("2025-01-31 12:00"), "0.75")  # a recomputed hour
    with ls_engine.begin() as connection:  # meter 9 moves to account b (reassignment)
        connection.execute(
            text("UPDATE hourly_consumption SET account_id = :b WHERE meter_pk = 9"), {"b": b}
        )
    reverse(ls_engine, late)
    pay(ls_engine, c, 20_000, utc("2025-02-20 09:00"))
    assert_exact(ls_engine)

    with ls_engine.begin() as connection:
        connection.execute(text("DELETE FROM hourly_consumption WHERE meter_pk = 7"))
    assert_exact(ls_engine)


def test_refresh_and_rebuild_are_idempotent(ls_engine: Engine) -> None:
    a = add_account(ls_engine, "0001MAK")
    c = add_account(ls_engine, "0001SHG")
    pay(ls_engine, a, 1_000, utc("2025-05-01 10:00"))
    pay(ls_engine, c, 2_500, utc("2025-06-30 22:30"))
    consume(ls_engine, 3, c, utc("2025-06-30 22:00"), "2")
    assert_exact(ls_engine)
    with ls_engine.connect() as connection:
        before = rollups(connection)
    with Session(ls_engine) as session:
        refresh_rollups(
            session=session,
            timezone="Africa/Maseru",
            months=[dt.date(2025, 5, 1), dt.date(2025, 7, 1)],
        )
        refresh_rollups(session=session, timezone="Africa/Maseru", accounts=[c])
        refresh_rollups(
            session=session, timezone="Africa/Maseru", months=[dt.date(2025, 7, 1)], accounts=[a, c]
        )
        session.commit()
    with ls_engine.connect() as connection:
        assert rollups(connection) == before
    with Session(ls_engine) as session:
        cells = rebuild_rollups(session=session, timezone="Africa/Maseru")
        session.commit()
    assert cells == 2
    with ls_engine.connect() as connection:
        assert rollups(connection) == before
    assert before.site_month[("SHG", dt.date(2025, 7, 1))][3] == 2  # local July


def test_rollups_without_the_queue_are_rebuilt_by_the_command(ls_engine: Engine) -> None:
    """A bulk load with the triggers bypassed is repaired by a rebuild."""
    a = add_account(ls_engine, "0001MAK")
    pay(ls_engine, a, 1_000, utc("2025-05-01 10:00"))
    with ls_engine.begin() as connection:
        connection.execute(text("DELETE FROM analytics_dirty"))
    with Session(ls_engine) as session:
        rebuild_rollups(session=session, timezone="Africa/Maseru")
        session.commit()
    assert_exact(ls_engine)
