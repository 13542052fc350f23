"""Employees in the gateway database: create, change roles, list, passwords (argon2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from federation_gateway.employees.models import Employee
from federation_gateway.employees.service import (
    authenticate,
    list_employees,
    set_active,
    set_role,
    upsert_employee,
)
from gridcare.core.errors import InvalidInput, NotFound, Unauthorized
from tests.federation_gateway.conftest import PASSWORD


def test_an_employee_is_stored_with_an_argon2_hash_never_the_password(
    session: Session, add_employee: Callable[..., Employee]
) -> None:
    employee = add_employee("Thabo", roles={"ls": "Finance", "BN": "viewer"})
    assert employee.username == "thabo"
    assert employee.roles == {"LS": "finance", "BN": "viewer"}
    assert employee.password_hash.startswith("$argon2id$")
    stored = session.execute(text("SELECT password_hash, roles FROM employees")).one()
    assert PASSWORD not in stored.password_hash
    assert stored.roles == {"LS": "finance", "BN": "viewer"}
    assert employee.created_at is not None and employee.created_at.tzinfo is not None


def test_usernames_are_case_insensitive_and_upsert_updates_the_same_row(
    session: Session, add_employee: Callable[..., Employee]
) -> None:
    first = add_employee("Thabo", roles={"LS": "finance"})
    second = upsert_employee(
        session=session, username="THABO", password="another password", roles={"BN": "onm"}
    )
    assert second.id == first.id
    assert second.roles == {"BN": "onm"}
    assert [e.username for e in list_employees(session=session)] == ["thabo"]
    assert (
        authenticate(session=session, username="ThAbO", password="another password").id == first.id
    )
    with pytest.raises(Unauthorized):
        authenticate(session=session, username="thabo", password=PASSWORD)


def test_the_database_refuses_upper_case_or_duplicate_usernames(
    session: Session, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo")
    for name in ("Mpho", "thabo"):
        with pytest.raises(IntegrityError):
            session.execute(
                text("INSERT INTO employees (username, password_hash) VALUES (:name, 'x')"),
                {"name": name},
            )
        session.rollback()


@pytest.mark.parametrize(
    ("roles", "field"),
    [({"XX": "finance"}, "country"), ({"LS": "janitor"}, "role"), ({"Lesotho": "onm"}, "country")],
)
def test_roles_name_a_known_country_and_a_known_role(
    session: Session, roles: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        upsert_employee(session=session, username="thabo", password=PASSWORD, roles=roles)
    assert raised.value.fields[0]["field"] == field
    assert list_employees(session=session) == []


def test_bad_usernames_and_short_passwords_are_refused(session: Session) -> None:
    with pytest.raises(InvalidInput) as raised:
        upsert_employee(session=session, username="two words", password=PASSWORD, roles={})
    assert raised.value.fields[0]["field"] == "username"
    with pytest.raises(InvalidInput) as raised:
        upsert_employee(session=session, username="thabo", password="short", roles={})
    assert raised.value.fields[0]["field"] == "password"


def test_set_role_grants_changes_and_withdraws_one_country(
    session: Session, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo", roles={"LS": "viewer"})
    assert set_role(session=session, username="Thabo", country="bn", role="ONM").roles == {
        "LS": "viewer",
        "BN": "onm",
    }
    assert set_role(session=session, username="thabo", country="LS", role="finance").roles == {
        "LS": "finance",
        "BN": "onm",
    }
    assert set_role(session=session, username="thabo", country="LS", role=None).roles == {
        "BN": "onm"
    }
    session.expire_all()
    assert list_employees(session=session)[0].roles == {"BN": "onm"}
    with pytest.raises(NotFound):
        set_role(session=session, username="nobody", country="LS", role="viewer")
    with pytest.raises(InvalidInput):
        set_role(session=session, username="thabo", country="LS", role="king")


def test_list_employees_is_sorted_by_username(
    session: Session, add_employee: Callable[..., Employee]
) -> None:
    for name in ("mpho", "Aviwe", "lerato"):
        add_employee(name)
    assert [e.username for e in list_employees(session=session)] == ["aviwe", "lerato", "mpho"]


def test_authenticate_gives_one_message_for_unknown_user_wrong_password_and_inactive(
    session: Session, add_employee: Callable[..., Employee]
) -> None:
    add_employee("thabo")
    assert authenticate(session=session, username="thabo", password=PASSWORD).username == "thabo"
    messages = set()
    for username, password in (("thabo", "wrong password"), ("nobody", PASSWORD)):
        with pytest.raises(Unauthorized) as raised:
            authenticate(session=session, username=username, password=password)
        messages.add(raised.value.message)
    set_active(session=session, username="thabo", active=False)
    with pytest.raises(Unauthorized) as raised:
        authenticate(session=session, username="thabo", password=PASSWORD)
    messages.add(raised.value.message)
    assert messages == {"wrong username or password"}


def test_a_hash_made_with_weaker_parameters_is_replaced_at_the_next_login(
    session: Session, add_employee: Callable[..., Employee]
) -> None:
    employee = add_employee("thabo")
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    employee.password_hash = weak
    session.add(employee)
    session.commit()

    authenticate(session=session, username="thabo", password=PASSWORD)

    session.expire_all()
    rehashed = session.execute(text("SELECT password_hash FROM employees")).scalar_one()
    assert rehashed != weak
    assert not PasswordHasher().check_needs_rehash(rehashed)
    assert authenticate(session=session, username="thabo", password=PASSWORD).id == employee.id


def test_the_known_countries_can_be_given_in_either_case(session: Session) -> None:
    employee = upsert_employee(
        session=session,
        username="admin",
        password=PASSWORD,
        roles={"ls": "superadmin", "BN": "superadmin"},
        known_countries=["ls", "bn"],
    )
    assert employee.roles == {"LS": "superadmin", "BN": "superadmin"}
    with pytest.raises(InvalidInput):
        set_role(
            session=session, username="admin", country="ZM", role="viewer", known_countries=["LS"]
        )
