from __future__ import annotations

import pytest

from country_api.plugins.payments.airtel_zm import AirtelMoneyZambia
from country_api.plugins.payments.chain import load_parsers, parse_with, parsers_for_country
from country_api.plugins.payments.ecocash_ls import EcoCashLesotho
from country_api.plugins.payments.momo_bj import MtnMomoBenin
from country_api.plugins.payments.mpesa_ls import MpesaLesotho
from country_api.plugins.payments.mtn_zm import MtnMomoZambia
from country_api.plugins.payments.protocol import ParseResult, Rejection
from gridcare.core.countries import ConfigError, load_country

PLUGINS = {
    "mpesa_ls": (MpesaLesotho, "LSL"),
    "ecocash_ls": (EcoCashLesotho, "LSL"),
    "momo_bj": (MtnMomoBenin, "XOF"),
    "airtel_zm": (AirtelMoneyZambia, "ZMW"),
    "mtn_zm": (MtnMomoZambia, "ZMW"),
}


@pytest.mark.parametrize("name", PLUGINS)
def test_entry_points_load_each_parser_by_name(name: str) -> None:
    (parser,) = load_parsers([name])
    cls, currency = PLUGINS[name]
    assert type(parser) is cls
    assert (parser.name, parser.currency) == (name, currency)


@pytest.mark.parametrize(
    ("country", "names"),
    [("LS", ["mpesa_ls", "ecocash_ls"]), ("BN", ["momo_bj"]), ("ZM", ["airtel_zm", "mtn_zm"])],
)
def test_country_files_configure_the_chains(country: str, names: list[str]) -> None:
    assert [p.name for p in parsers_for_country(load_country(country))] == names


def test_unknown_parser_name_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no_such"):
        load_parsers(["no_such"])


class Fixed:
    def __init__(self, name: str, result: ParseResult | Exception) -> None:
        self.name, self.currency, self.result, self.calls = name, "LSL", result, 0

    def parse(self, *, sender: str, body: str) -> ParseResult:
        self.calls += 1
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_first_answer_decides_and_says_who_gave_it() -> None:
    first, second, third = Fixed("a", None), Fixed("b", Rejection("no")), Fixed("c", None)
    outcome = parse_with([first, second, third], sender="s", body="b")
    assert (outcome.parser, outcome.result) == ("b", Rejection("no"))
    assert (first.calls, second.calls, third.calls) == (1, 1, 0)


def test_a_parser_that_raises_is_skipped() -> None:
    broken, fallback = Fixed("broken", RuntimeError("bug")), Fixed("ok", Rejection("x"))
    assert parse_with([broken, fallback], sender="s", body="b").parser == "ok"


def test_nobody_understood() -> None:
    outcome = parse_with([Fixed("a", None)], sender="s", body="b")
    assert (outcome.parser, outcome.result) == (None, None)
