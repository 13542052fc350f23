"""`gridcare employee add|list|set-role` against a real gateway database."""

from __future__ import annotations

from sqlmodel import Session
from typer.testing import CliRunner

from federation_gateway.employees.service import authenticate, get_employee
from gridcare.cli import app

runner = CliRunner()


def _run(gateway_db: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(
        app, ["employee", *args], input=stdin, env={"GRIDCARE_GATEWAY_DATABASE_URL": gateway_db}
    )
    return result.exit_code, result.output


def test_add_with_roles_and_password_then_log_in(gateway_db: str, session: Session) -> None:
    code, output = _run(
        gateway_db, "add", "Thabo", "--role", "LS=finance", "--role", "bn=Viewer",
        "--password", "s3cret-enough",
    )  # fmt: skip
    assert code == 0, output
    assert "saved thabo: BN=viewer, LS=finance" in output
    employee = authenticate(session=session, username="thabo", password="s3cret-enough")
    assert employee.roles == {"LS": "finance", "BN": "viewer"}


def test_add_prompts_for_the_password_twice(gateway_db: str, session: Session) -> None:
    code, output = _run(
        gateway_db, "add", "mpho", "--role", "ZM=onm", stdin="typed-password\ntyped-password\n"
    )
    assert code == 0, output
    assert "Repeat for confirmation" in output
    assert "typed-password" not in output
    assert authenticate(session=session, username="mpho", password="typed-password").roles == {
        "ZM": "onm"
    }


def test_set_role_and_list(gateway_db: str, session: Session) -> None:
    _run(gateway_db, "add", "thabo", "--role", "LS=viewer", "--password", "s3cret-enough")
    _run(gateway_db, "add", "aviwe", "--password", "s3cret-enough")

    code, output = _run(gateway_db, "set-role", "THABO", "ls=onm")
    assert code == 0, output
    assert "saved thabo: LS=onm" in output
    code, output = _run(gateway_db, "set-role", "thabo", "BN=finance")
    assert "saved thabo: BN=finance, LS=onm" in output
    assert get_employee(session=session, username="thabo").roles == {"LS": "onm", "BN": "finance"}

    code, output = _run(gateway_db, "list")
    assert code == 0, output
    lines = [line for line in output.splitlines() if "aviwe" in line or "thabo" in line]
    assert len(lines) == 2
    assert "aviwe" in lines[0] and "-" in lines[0]
    assert "thabo" in lines[1] and "BN=finance, LS=onm" in lines[1] and "yes" in lines[1]


def test_mistakes_are_reported_without_a_traceback(gateway_db: str) -> None:
    code, output = _run(
        gateway_db, "add", "thabo", "--role", "XX=finance", "--password", "long-enough"
    )
    assert code == 1
    assert "unknown country 'XX'" in output
    code, output = _run(gateway_db, "add", "thabo", "--role", "LS", "--password", "long-enough")
    assert code == 2
    assert "LS=finance" in output
    code, output = _run(gateway_db, "set-role", "nobody", "LS=onm")
    assert code == 1
    assert "no employee 'nobody'" in output
    result = runner.invoke(app, ["employee", "list"], env={"GRIDCARE_GATEWAY_DATABASE_URL": ""})
    assert result.exit_code == 2
    assert "GRIDCARE_GATEWAY_DATABASE_URL" in result.output
