"""The shipped rates file: labelled, consistent with the LSL and XOF pegs, and checked on load."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from federation_gateway.fx.file_provider import SHIPPED_FILE, FileFxProvider
from federation_gateway.fx.models import RATE_PLACES, XOF_PER_EUR
from federation_gateway.fx.protocol import FxProviderError

HEADER = "month,currency,usd_per_unit,published_quote,source"


def test_shipped_file_states_its_source_and_range() -> None:
    comments = [line for line in SHIPPED_FILE.read_text().splitlines() if line.startswith("#")]
    text = "\n".join(comments)
    assert "European Central Bank" in text and "EXR.M.USD.EUR.SP00.A" in text
    assert "South African Reserve Bank" in text
    assert "EUR and XOF 2023-01 .. 2025-06; ZAR and LSL 2023-01 .. 2025-06" in text
    assert "gridcare fx update" in text
    rates = FileFxProvider().load()
    months = {rate.month for rate in rates}
    assert min(months) == dt.date(2023, 1, 1) and max(months) == dt.date(2025, 6, 1)
    held = {rate.currency for rate in rates}
    assert held == {"EUR", "XOF", "ZAR", "LSL"}, "the header names what it holds"


def test_shipped_file_agrees_with_the_pegs() -> None:
    table = {(rate.currency, rate.month): rate.usd_per_unit for rate in FileFxProvider().load()}
    for (currency, month), value in table.items():
        if currency == "XOF":
            assert value == (table[("EUR", month)] / Decimal("655.957")).quantize(RATE_PLACES)
        if currency == "EUR":
            assert ("XOF", month) in table
        if currency == "LSL":
            assert value == table[("ZAR", month)]
        if currency == "ZAR":
            assert table[("LSL", month)] == value
    assert Decimal("655.957") == XOF_PER_EUR


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "rates.csv"
    path.write_text("# test\n" + "\n".join([HEADER, *rows]) + "\n")
    return path


def test_a_file_breaking_the_lsl_peg_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "2025-01,ZAR,0.05,20 ZAR/USD,x", "2025-01,LSL,0.051,x,x")
    with pytest.raises(FxProviderError, match="LSL 2025-01"):
        FileFxProvider(path).load()


def test_a_file_breaking_the_xof_peg_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "2025-01,EUR,1.10,x,x", "2025-01,XOF,0.0017,x,x")
    with pytest.raises(FxProviderError, match="XOF 2025-01"):
        FileFxProvider(path).load()


def test_fetch_narrows_by_currency_and_month(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "2025-01,ZAR,0.05,x,SARB",
        "2025-01,LSL,0.05,x,SARB",
        "2025-02,ZMW,0.04,x,BoZ",
    )
    rates = FileFxProvider(path).fetch(currencies=["lsl"], first=dt.date(2025, 1, 1))
    assert [(r.currency, r.month, r.usd_per_unit) for r in rates] == [
        ("LSL", dt.date(2025, 1, 1), Decimal("0.05"))
    ]
    assert rates[0].source == "file:rates.csv: SARB"


def test_malformed_rows_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FxProviderError, match="row 2"):
        FileFxProvider(_write(tmp_path, "2025-01,ZMW,abc,x,x")).load()
    with pytest.raises(FxProviderError, match="not > 0"):
        FileFxProvider(_write(tmp_path, "2025-01,ZMW,0,x,x")).load()
