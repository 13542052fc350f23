"""The customer's supply contract as a PDF, in their language, from the repository's templates.

Templates live in `contract_templates/<country>_<language>.txt` (Lesotho: Sesotho and English;
Benin: French; Zambia: English): a `#` line is the title, `##` lines are headings, other lines
paragraphs, `{placeholders}` filled with the customer's details, account, site, the tariff in
force and the country's fees. The PDF embeds DejaVu Sans (shipped in `fonts/`, subset by
fpdf2), so any name (`Tšosane`) prints and the text is extractable. A
signed contract (signature drawn on the agent's phone, who witnessed it and when) is generated
once and stored; downloading it again answers the stored bytes.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from babel.numbers import format_currency
from fpdf import FPDF
from PIL import Image, UnidentifiedImageError
from sqlmodel import Session, col, select

from country_api.audit.service import record_mutation
from country_api.customers.models import Account, Customer
from country_api.onboarding.models import Contract
from country_api.tariffs.service import resolve_tariff
from gridcare.core.countries import CountryConfig
from gridcare.core.errors import InvalidInput, NotFound

TEMPLATES = Path(__file__).parent / "contract_templates"
FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
MAX_SIGNATURE_BYTES = 512 * 1024
NONE = {"en": "none", "st": "ha ho letho", "fr": "aucun"}
SIGNED = {
    "en": ("Customer's signature", "Witnessed by {who} on {when}"),
    "st": ("Tekeno ea moreki", "Paki: {who}, {when}"),
    "fr": ("Signature du client", "Témoin : {who}, le {when}"),
}
UNSIGNED = {"en": "Not signed yet", "st": "Ha e so tekenoe", "fr": "Pas encore signé"}


def languages(country: CountryConfig) -> list[str]:
    """The contract languages of a country: its locales' languages that have a template."""
    found = []
    for locale in country.locales:
        language = locale.split("_")[0]
        if (
            language not in found
            and (TEMPLATES / f"{country.code.lower()}_{language}.txt").exists()
        ):
            found.append(language)
    return found


def check_language(country: CountryConfig, lang: str | None) -> str:
    available = languages(country)
    if not available:  # pragma: no cover - every country file has a template
        raise NotFound(f"no contract template for {country.name}")
    if lang is None:
        return available[0]
    if lang not in available:
        raise InvalidInput.for_field(
            "lang", f"{lang!r}: contracts in {country.name} are in {', '.join(available)}"
        )
    return lang


@dataclass(frozen=True)
class Signature:
    png: bytes
    signer_name: str
    witnessed_by: str
    at: dt.datetime


def decode_signature(data_url: str) -> bytes:
    """A canvas `data:image/png;base64,…` (or bare base64) → checked PNG bytes."""
    raw = data_url.split(",", 1)[1] if data_url.startswith("data:") else data_url
    if data_url.startswith("data:") and not data_url.startswith("data:image/png"):
        raise InvalidInput.for_field("signature", "must be a PNG image (data:image/png;base64,…)")
    try:
        png = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput.for_field("signature", "is not valid base64") from None
    if len(png) > MAX_SIGNATURE_BYTES:
        raise InvalidInput.for_field("signature", "is larger than 512 KB")
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG":
                raise InvalidInput.for_field("signature", "must be a PNG image")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise InvalidInput.for_field("signature", "is not a readable PNG image") from None
    return png


def _values(
    session: Session,
    country: CountryConfig,
    account: Account,
    customer: Customer,
    lang: str,
    now: dt.datetime,
) -> dict[str, str]:
    locale = next((name for name in country.locales if name.startswith(f"{lang}_")), "en")
    tariff = resolve_tariff(
        session=session,
        country=country,
        site_code=account.site_code,
        customer_id=customer.id,
        at=now,
    )
    rate = (
        format_currency(tariff.rate_per_kwh, country.currency, locale=locale)
        if tariff is not None
        else "-"
    )
    fees = ", ".join(
        f"{item.code} {format_currency(item.amount, country.currency, locale=locale)}"
        for item in country.fees.items
    )
    site_name = next(
        (s.name for s in country.sites if s.code == account.site_code), account.site_code
    )
    return {
        "country": country.name,
        "customer_name": f"{customer.first_name} {customer.last_name}".strip(),
        "account_number": account.account_number,
        "national_id": customer.national_id or "-",
        "phone": customer.phone or "-",
        "site_name": site_name,
        "site_code": account.site_code,
        "tariff": rate,
        "fees": fees or NONE.get(lang, "none"),
        "date": now.astimezone(country.zone).date().isoformat(),
    }


def render(
    *,
    session: Session,
    country: CountryConfig,
    account: Account,
    customer: Customer,
    lang: str,
    signature: Signature | None = None,
) -> bytes:
    now = signature.at if signature else dt.datetime.now(dt.UTC)
    values = _values(session, country, account, customer, lang, now)
    template = (TEMPLATES / f"{country.code.lower()}_{lang}.txt").read_text(encoding="utf-8")
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creation_date(now)
    pdf.set_title(f"{values['customer_name']} {account.account_number}")
    pdf.set_author("GridCare")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    for line in template.splitlines():
        text = line.format(**values) if line.strip() else ""
        if line.startswith("## "):
            pdf.ln(3)
            pdf.set_font(FONT, "B", 12)
            pdf.multi_cell(0, 7, text[3:], new_x="LMARGIN", new_y="NEXT")
        elif line.startswith("# "):
            pdf.set_font(FONT, "B", 16)
            pdf.multi_cell(0, 9, text[2:], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif text:
            pdf.set_font(FONT, "", 10.5)
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    pdf.ln(6)
    title, witnessed = SIGNED.get(lang, SIGNED["en"])
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    if signature is None:
        pdf.cell(0, 6, UNSIGNED.get(lang, UNSIGNED["en"]), new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.image(io.BytesIO(signature.png), w=70)
        pdf.cell(0, 6, signature.signer_name, new_x="LMARGIN", new_y="NEXT")
        when = signature.at.astimezone(country.zone).strftime("%Y-%m-%d %H:%M")
        line = witnessed.format(who=signature.witnessed_by, when=when)
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def sign(
    *,
    session: Session,
    country: CountryConfig,
    account: Account,
    actor: str,
    lang: str | None,
    signature_data: str,
    signer_name: str | None,
) -> Contract:
    """Store the contract signed on the agent's screen, witnessed by the agent; audited."""
    language = check_language(country, lang)
    png = decode_signature(signature_data)
    customer = session.get(Customer, account.customer_id)
    assert customer is not None
    name = (signer_name or "").strip() or f"{customer.first_name} {customer.last_name}".strip()
    moment = dt.datetime.now(dt.UTC).replace(microsecond=0)
    pdf = render(
        session=session,
        country=country,
        account=account,
        customer=customer,
        lang=language,
        signature=Signature(png=png, signer_name=name, witnessed_by=actor, at=moment),
    )
    contract = Contract(
        account_id=account.id or 0,
        language=language,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        signature_png=png,
        signer_name=name,
        witnessed_by=actor,
        signed_at=moment,
    )
    session.add(contract)
    session.flush()
    record_mutation(
        session=session,
        actor=actor,
        action="insert",
        table="contracts",
        record_id=contract.id,
        old=None,
        new={
            "account_number": account.account_number,
            "language": language,
            "sha256": contract.sha256,
            "signer_name": name,
            "witnessed_by": actor,
            "signed_at": moment,
        },
    )
    return contract


def contracts_of(*, session: Session, account: Account) -> list[Contract]:
    return list(
        session.exec(
            select(Contract)
            .where(col(Contract.account_id) == account.id)
            .order_by(col(Contract.signed_at).desc(), col(Contract.id).desc())
        )
    )


def get_contract(*, session: Session, account: Account, contract_id: int) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None or contract.account_id != account.id:
        raise NotFound(f"no contract {contract_id} for account {account.account_number}")
    return contract
