"""Excel number formats from babel: the country's currency pattern, symbol and digits."""

from __future__ import annotations

import re

from babel import Locale
from babel.numbers import get_currency_symbol

from gridcare.core.money import digits

_NUMBER = re.compile(r"[#0,]*0(?:\.0+)?")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
KWH_FORMAT = "#,##0.000"


def currency_format(currency: str, locale: str) -> str:
    """`LSL`/`en_LS` → `"LSL"#,##0.00`; `XOF`/`fr_BJ` → `#,##0" F CFA"` (XOF has no decimals).

    The grouping and decimal marks stay Excel's own (`,` and `.`): Excel shows them in the
    reader's locale, so only the symbol, its side and the digits come from babel.
    """
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0]
    symbol = get_currency_symbol(currency, locale).translate(_SPACES)
    places = digits(currency)
    number = "#,##0" + ("." + "0" * places if places else "")
    before, _, after = _NUMBER.sub("\0", pattern, count=1).partition("\0")

    def literal(text: str) -> str:
        text = text.translate(_SPACES).replace("¤", symbol)
        return f'"{text}"' if text else ""

    return literal(before) + number + literal(after)
