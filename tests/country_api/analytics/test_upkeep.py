"""The rollups kept without anyone asking: the refresh worker, the rebuild command, OpenAPI."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from federation_gateway.tokens import TokenIssuer
from gridcare.cli import app as cli
from tests.country_api.analytics.factories import add_account, pay, utc
from tests.support.countries import bearer, country_app, running
from tests.support.waiting import eventually


async def test_the_workers_drain_the_queue_in_the_background(
    ls_db: str, ls_engine: Engine, issuer: TokenIssuer
) -> None:
    app = country_app("ls", ls_db, issuer, with_workers=True, rollup_refresh_seconds=0.1)
    account = add_account(ls_engine, "0001MAK")

    def revenue() -> object:
        with ls_engine.connect() as connection:
            return connection.execute(
                text("SELECT sum(revenue_minor) FROM site_month WHERE site_code = 'MAK'")
            ).scalar()

    async with running(app) as client:
        pay(ls_engine, account, 4_200, utc("2025-04-01 10:00"))
        await eventually(lambda: revenue() is not None, message="the rollup refreshed")
        schema = (await client.get("/openapi.json", headers=bearer(issuer))).json()
    assert revenue() == 4_200
    arpu = schema["paths"]["/api/om-report/arpu"]["get"]["responses"]["200"]
    assert arpu["content"]["application/json"]["schema"]["$ref"].endswith("/ArpuReport")
    assert "/api/exports/{name}.xlsx" in schema["paths"]


def test_rebuild_command(ls_db: str, ls_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    account = add_account(ls_engine, "0001SHG")
    pay(ls_engine, account, 1_000, utc("2025-04-01 10:00"))
    pay(ls_engine, account, 1_000, utc("2025-05-01 10:00"))
    with ls_engine.begin() as connection:
        connection.execute(text("DELETE FROM analytics_dirty"))  # as if loaded behind its back
    monkeypatch.setenv("GRIDCARE_DATABASE_URL", ls_db)
    result = CliRunner().invoke(cli, ["analytics", "rebuild-rollups", "--country", "ls"])
    assert result.exit_code == 0, result.output
    assert "LS: 2 account-month cells rebuilt" in result.output
    with ls_engine.connect() as connection:
        first = connection.execute(text("SELECT first_month FROM account_first_payment")).all()
    assert [str(row[0]) for row in first] == ["2025-04-01"]
