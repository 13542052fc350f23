"""`gridcare fx update` and `gridcare fx list` against the gateway's real database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from federation_gateway.fx.file_provider import FileFxProvider
from federation_gateway.fx.models import FxRate
from gridcare.cli import app
from tests.federation_gateway.fx.test_http_provider import RatesService


@pytest.fixture
def env(gateway_db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRIDCARE_GATEWAY_DATABASE_URL", gateway_db)
    monkeypatch.delenv("GRIDCARE_REDIS_URL", raising=False)
    return gateway_db


@pytest.fixture
def rates_service() -> Iterator[RatesService]:
    with RatesService() as service:
        yield service


def test_update_from_the_shipped_file_then_list(env: str, session: Session) -> None:
    result = CliRunner().invoke(app, ["fx", "update"])
    assert result.exit_code == 0, result.output
    shipped = len(FileFxProvider().load())
    assert f"file:fx_monthly_usd.csv: {shipped} added" in result.output
    listed = CliRunner().invoke(app, ["fx", "list"])
    assert "XOF 2024-06" in listed.output and "unused" in listed.output


def test_update_over_http_refuses_to_change_a_used_month(
    env: str, session: Session, rates_service: RatesService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDCARE_FX_URL", f"{rates_service.url}/rates")
    first = CliRunner().invoke(app, ["fx", "update", "--source", "http"])
    assert first.exit_code == 0, first.output
    assert "3 added" in first.output  # ZAR, ZMW, and LSL from the ZAR peg
    january = dt.date(2025, 1, 1)
    row = session.get(FxRate, ("LSL", january))
    assert row is not None and row.source.endswith("(LSL = ZAR)")
    row.used_at = dt.datetime.now(dt.UTC)
    session.add(row)
    session.commit()

    rates_service.document["rates"][0]["usd_per_unit"] = "0.0600"
    refused = CliRunner().invoke(app, ["fx", "update", "--source", "http"])
    assert refused.exit_code == 2
    assert "refused LSL 2025-01" in refused.output and "--force" in refused.output
    session.expire_all()
    kept = session.get(FxRate, ("LSL", january))
    assert kept is not None and kept.usd_per_unit == Decimal("0.0535")

    forced = CliRunner().invoke(app, ["fx", "update", "--source", "http", "--force"])
    assert forced.exit_code == 0, forced.output
    session.expire_all()
    changed = session.get(FxRate, ("LSL", january))
    assert changed is not None and changed.usd_per_unit == Decimal("0.06")


def test_http_without_url_is_a_usage_error(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRIDCARE_FX_URL", raising=False)
    result = CliRunner().invoke(app, ["fx", "update", "--source", "http"])
    assert result.exit_code != 0


def test_a_broken_file_is_reported(env: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("month,currency,usd_per_unit,published_quote,source\n2025-01,EUR,1.1,x,x\n")
    result = CliRunner().invoke(app, ["fx", "update", "--file", str(path)])
    assert result.exit_code == 1 and "peg" in result.output
