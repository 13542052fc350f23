"""Receipt SMS in the country's language(s), amounts formatted by babel in each locale.

Wording adapted from the operator's own receipts (`data/sms/*.json`, outbound
templates), the new balance included ("Saleng se setseng", "Solde") when metering knows it.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from gridcare.core.countries import CountryConfig
from gridcare.core.money import to_major

ELECTRICITY = {
    "st": "Patala ea {amount} bakeng sa ntlo ea {account} e amohetsoe: {kwh} kWh. Ref {ref}.",
    "en": "Payment of {amount} for account {account} received: {kwh} kWh. Ref {ref}.",
    "fr": "Paiement de {amount} pour le compte {account} enregistré : {kwh} kWh. Réf {ref}.",
}
FEE = {
    "st": "Patala ea {amount} bakeng sa ntlo ea {account} (tefo ea {fee}) e amohetsoe. Ref {ref}.",
    "en": "Payment of {amount} for account {account} ({fee} fee) received. Ref {ref}.",
    "fr": "Paiement de {amount} pour le compte {account} ({fee}) enregistré. Réf {ref}.",
}
BALANCE = {
    "st": " Saleng se setseng: {balance} ({balance_kwh} kWh).",
    "en": " Balance: {balance} ({balance_kwh} kWh).",
    "fr": " Solde : {balance} ({balance_kwh} kWh).",
}
FEE_LABELS = {
    "st": {"connection": "ho hokela", "readyboard": "readyboard"},
    "fr": {"connection": "frais de raccordement", "readyboard": "readyboard"},
}


def receipt_text(
    *,
    country: CountryConfig,
    account_number: str,
    amount_minor: int,
    kwh: Decimal,
    reference: str,
    exact_fee: str | None = None,
    balance_minor: int | None = None,
    balance_kwh: Decimal | None = None,
    language: str | None = None,
) -> str:
    """One paragraph in the reader's `language` when the country has it; else one paragraph
    per country language (Sesotho then English for Lesotho)."""
    amount = to_major(amount_minor, country.currency)
    paragraphs = []
    for locale in receipt_locales(country, language):
        language = locale.split("_")[0]
        values = {
            "amount": format_currency(amount, country.currency, locale=locale),
            "account": account_number,
            "kwh": format_decimal(kwh.quantize(Decimal("0.1")), format="#,##0.0", locale=locale),
            "ref": reference,
        }
        if exact_fee is not None:
            label = FEE_LABELS.get(language, {}).get(exact_fee, exact_fee)
            paragraph = FEE.get(language, FEE["en"]).format(fee=label, **values)
        else:
            paragraph = ELECTRICITY.get(language, ELECTRICITY["en"]).format(**values)
        if balance_minor is not None and balance_kwh is not None:
            paragraph += BALANCE.get(language, BALANCE["en"]).format(
                balance=format_currency(
                    to_major(balance_minor, country.currency), country.currency, locale=locale
                ),
                balance_kwh=format_decimal(
                    balance_kwh.quantize(Decimal("0.1")), format="#,##0.0", locale=locale
                ),
            )
        paragraphs.append(paragraph)
    return "\n".join(paragraphs)


def receipt_languages(country: CountryConfig, language: str | None = None) -> str:
    """The languages of a receipt's paragraphs, in order (`st+en`, or `en` for a reader of it)."""
    return "+".join(locale.split("_")[0] for locale in receipt_locales(country, language))


def receipt_locales(country: CountryConfig, language: str | None = None) -> list[str]:
    """The reader's locale when the country has their language; else the country's locales,
    a local language before English (Sesotho, then English)."""
    chosen = [locale for locale in country.locales if language and locale.split("_")[0] == language]
    return chosen[:1] or sorted(country.locales, key=lambda locale: locale.startswith("en"))
