"""Operator-editable SMS templates (Moov, Celtiis): `recu {amount} FCFA de {phone}. Ref: {txn_id}`.

Placeholders: `{amount}` (required), `{txn_id}` (required unless the caller allows its absence),
`{phone}`, `{account}` (the motif as the payer typed it: it becomes the remark, and account
tokens are read from it first), `{name}`, and `{*}` for any text. Literal text matches as
written, ignoring case and spacing (`Ref:{txn_id}` also reads `Ref : MV1`). A template matches
anywhere in the message.

Safe by construction: a template compiles to a regular expression whose every part is bounded,
and free text (`{*}`, `{name}`, `{account}`) is matched atomically up to the first occurrence of
the literal that follows it, so no body can make matching backtrack combinatorially. Templates
are checked when saved (`compile_template` raises `ValueError` saying what is wrong), and
`parse` never raises: a template that still misbehaves only fails to match.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from country_api.plugins.payments.protocol import ParsedPayment, ParseResult
from country_api.plugins.payments.text import (
    AMOUNT,
    PHONE,
    TXN_ID,
    account_candidates,
    normalise,
    parse_amount,
    payer_phone,
    synthetic_reference,
    too_long_or_empty,
)

log = logging.getLogger(__name__)

MAX_TEMPLATE_CHARS = 300
MAX_WILDCARDS = 6
_FREE_TEXT_LIMIT = {"*": 200, "name": 80, "account": 60}
_TYPED = {"amount": AMOUNT, "phone": PHONE, "txn_id": TXN_ID}
PLACEHOLDERS = (*_TYPED, *_FREE_TEXT_LIMIT)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class CompiledTemplate:
    text: str
    pattern: re.Pattern[str] = field(repr=False)
    anchor: str = ""
    """A lower-case word the template's literal text contains: messages without it are skipped
    before the regular expression runs."""

    def parse(
        self,
        body: str,
        *,
        provider: str,
        currency: str,
        country: str | None = None,
        sender: str = "",
    ) -> ParsedPayment | None:
        """The payment this template reads in `body`, or None (never raises)."""
        try:
            return self._parse(
                body, provider=provider, currency=currency, country=country, sender=sender
            )
        except Exception:
            log.exception("payment template %r failed on a message; treated as no match", self.text)
            return None

    def _parse(
        self, body: str, *, provider: str, currency: str, country: str | None, sender: str
    ) -> ParsedPayment | None:
        if too_long_or_empty(body):
            return None
        text = normalise(body)
        if self.anchor not in text.lower():
            return None
        match = self.pattern.search(text)
        if match is None:
            return None
        values = match.groupdict()
        try:
            amount_minor = parse_amount(values["amount"], currency)
        except ValueError:
            return None
        if amount_minor <= 0:
            return None
        phone = values.get("phone")
        account = (values.get("account") or "").strip() or None
        txn_id = values.get("txn_id")
        name = (values.get("name") or "").strip() or None
        return ParsedPayment(
            provider=provider,
            reference=txn_id or synthetic_reference(provider=provider, sender=sender, body=text),
            synthetic_reference=not txn_id,
            amount_minor=amount_minor,
            currency=currency,
            payer_phone=_phone(phone, country),
            payer_name=name,
            remark=account,
            account_candidates=account_candidates([account], text),
        )


def compile_template(text: str, *, require_txn_id: bool = True) -> CompiledTemplate:
    """Check and compile an operator's template; `ValueError` with a message for the operator.

    `require_txn_id=False` accepts a format without a transaction id (the Celtiis sample has
    none); its payments then carry a synthetic reference.
    """
    template = normalise(text)
    if not template:
        raise ValueError("the template is empty")
    if len(template) > MAX_TEMPLATE_CHARS:
        raise ValueError(f"the template is longer than {MAX_TEMPLATE_CHARS} characters")
    literals = _PLACEHOLDER.split(template)[0::2]
    names = _PLACEHOLDER.findall(template)
    for literal in literals:
        if "{" in literal or "}" in literal:
            raise ValueError("unbalanced brace: placeholders are written {amount}, {phone} …")
    _check_placeholders(names, literals, require_txn_id=require_txn_id)
    parts: list[str] = []
    for index, literal in enumerate(literals):
        parts.append(_literal(literal))
        leading_wildcard = index == 0 and not literal.strip() and names[:1] == ["*"]
        if index < len(names) and not leading_wildcard:  # a search already skips any start
            parts.append(_placeholder(names[index], following=literals[index + 1]))
    try:
        pattern = re.compile("".join(parts), re.IGNORECASE | re.DOTALL)
    except re.error as error:  # pragma: no cover - every part is escaped or ours
        raise ValueError(f"the template cannot be compiled: {error}") from None
    words = re.findall(r"[a-z0-9]+", " ".join(literals).lower())
    return CompiledTemplate(text=template, pattern=pattern, anchor=max(words, key=len, default=""))


def _check_placeholders(names: list[str], literals: list[str], *, require_txn_id: bool) -> None:
    known = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
    for name in names:
        if name not in PLACEHOLDERS:
            raise ValueError(f"unknown placeholder {{{name}}}: use {known}")
        if name != "*" and names.count(name) > 1:
            raise ValueError(f"placeholder {{{name}}} appears more than once")
    if "amount" not in names:
        raise ValueError("the template needs an {amount} placeholder")
    if require_txn_id and "txn_id" not in names:
        raise ValueError("the template needs a {txn_id} placeholder (the provider's reference)")
    if names.count("*") > MAX_WILDCARDS:
        raise ValueError(f"the template has more than {MAX_WILDCARDS} {{*}} placeholders")
    if sum(len(lit.replace(" ", "")) for lit in literals) < 3:
        raise ValueError("the template needs some literal text to recognise its messages")
    for index in range(1, len(names)):
        between, before = literals[index], names[index - 1]
        if not between:
            pair = f"{{{before}}} and {{{names[index]}}}"
            raise ValueError(f"{pair} need text or a space between them")


def _literal(literal: str) -> str:
    """Escaped literal text in which spacing (and spacing around `:`) does not matter."""
    pieces = [r"\s*" if char == " " else re.escape(char) for char in literal]
    spaced = "".join(pieces).replace(":", r"\s*:\s*")
    return re.sub(r"(?:\\s\*)+", lambda _: r"\s*", spaced)


def _placeholder(name: str, *, following: str) -> str:
    """A typed placeholder's pattern, or free text taken atomically up to what follows it.

    Free text followed by a space and another placeholder is one word; at the end of the
    template it runs to the end of the sentence.
    """
    if name in _TYPED:
        return f"(?P<{name}>{_TYPED[name]})"
    limit = _FREE_TEXT_LIMIT[name]
    least = 1 if name == "name" else 0
    if following.strip():
        free = f"(?:(?!{_literal(following)}).){{{least},{limit}}}"
    elif following:
        free = f"\\S{{{least},{limit}}}"
    else:
        free = f"[^.]{{{least},{limit}}}"
    atomic = f"(?>{free})"
    if name == "*":
        return atomic if following else ""
    return f"(?P<{name}>{atomic})"


def _phone(raw: str | None, country: str | None) -> str | None:
    if raw is None:
        return None
    if country is not None:
        return payer_phone(raw, country)
    digits = re.sub(r"\D", "", raw)
    return digits or None


@dataclass
class TemplateParser:
    """A stored template as a `PaymentParser`, to try before the built-in parsers."""

    name: str
    provider: str
    currency: str
    template: CompiledTemplate
    country: str | None = None

    def parse(self, *, sender: str, body: str) -> ParseResult:
        return self.template.parse(
            body,
            provider=self.provider,
            currency=self.currency,
            country=self.country,
            sender=sender,
        )
