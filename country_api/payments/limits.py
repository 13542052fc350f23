"""The largest payment a country accepts (`payments.max_amount` in its country file).

Every way money comes in is checked: webhook posts and manual payments are refused (422), an
SMS over the limit is kept with outcome `rejected` and the reason, and the ledger refuses to
post one (an allocation of a message stored before the limit was lowered).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR

from gridcare.core.countries import CountryConfig
from gridcare.core.money import digits, major_string


def largest_minor(country: CountryConfig) -> int:
    """The country's largest payment in minor units."""
    scaled = country.payments.largest_amount.scaleb(digits(country.currency))
    return int(scaled.to_integral_value(rounding=ROUND_FLOOR))


def over_limit(country: CountryConfig, amount_minor: int) -> str | None:
    """Why `amount_minor` cannot be a payment in `country`, or None when it can."""
    largest = largest_minor(country)
    if amount_minor <= largest:
        return None
    currency = country.currency
    return (
        f"{major_string(amount_minor, currency)} {currency} is more than the largest payment"
        f" accepted in {country.name}, {major_string(largest, currency)} {currency}"
    )
