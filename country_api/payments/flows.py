"""Ingest orchestration: one incoming SMS or webhook post → inbox row → ledger → receipt → outbox.

Each message is one unit of work (the caller's). The message is stored verbatim first; a
gateway retry (the same gateway id: the app's identity, whatever the text) is answered
`duplicate`. Processing runs in a savepoint: when it fails, only the processing is
rolled back, and the stored message is marked `unparsed` with what failed, for staff to review.
This is the one place where a failure must still leave a record.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence

from sqlmodel import Session, select

from country_api.audit.service import record_mutation
from country_api.payments.allocation import find_account
from country_api.payments.ledger import post_payment
from country_api.payments.limits import over_limit
from country_api.payments.models import Payment, WebhookPayment
from country_api.payments.parsing import parsed_json
from country_api.payments.settlement import (
    Claim,
    IngestResult,
    claim_from_parsed,
    paid_result,
    queue_receipts,
    settle,
)
from country_api.plugins.payments.chain import parse_with
from country_api.plugins.payments.protocol import ParsedPayment, PaymentParser, Rejection
from country_api.sms.models import IncomingSms, Outcome, SmsMessage
from country_api.sms.store import content_hash, finish_message, gateway_message, store_message
from gridcare.core.countries import CountryConfig
from gridcare.core.errors import Conflict, InvalidInput, NotFound
from gridcare.core.money import major_string, to_minor

log = logging.getLogger(__name__)


def ingest_sms(
    *,
    session: Session,
    country: CountryConfig,
    parsers: Sequence[PaymentParser],
    sms: IncomingSms,
) -> IngestResult:
    message_id = _store_gateway_sms(session, sms)
    if message_id is None:
        return _redelivery(session=session, country=country, key=sms.gateway_message_id, sms=sms)
    try:
        with session.begin_nested():
            result = _process_sms(
                session=session, country=country, parsers=parsers, sms=sms, message_id=message_id
            )
    except Exception as error:  # kept verbatim for review, whatever went wrong
        log.exception("processing SMS %s failed", sms.gateway_message_id)
        reason = f"processing failed: {type(error).__name__}: {error}"[:500]
        finish_message(
            session=session, message_id=message_id, outcome=Outcome.UNPARSED, reason=reason
        )
        result = IngestResult(id=sms.gateway_message_id, outcome=Outcome.UNPARSED, reason=reason)
    result.message_id = message_id
    return result


def _store_gateway_sms(session: Session, sms: IncomingSms) -> int | None:
    """The message stored verbatim; None when this exact message was stored before."""
    return store_message(
        session=session,
        source="gateway",
        gateway_message_id=sms.gateway_message_id,
        sender=sms.sender,
        content=sms.content,
        sms_sent=sms.sms_sent,
        sms_received=sms.sms_received,
    )


def ingest_invalid_sms(
    *, session: Session, country: CountryConfig, sms: IncomingSms, reason: str
) -> IngestResult:
    """A message that breaks the gateway protocol's limits: kept as `invalid` with the reason,
    so the app's batch goes through (it re-sends a failed batch forever) and staff can see it."""
    message_id = _store_gateway_sms(session, sms)
    if message_id is None:
        return _redelivery(session=session, country=country, key=sms.gateway_message_id, sms=sms)
    finish_message(session=session, message_id=message_id, outcome=Outcome.INVALID, reason=reason)
    return IngestResult(
        id=sms.gateway_message_id, outcome=Outcome.INVALID, reason=reason, message_id=message_id
    )


def ingest_webhook(
    *, session: Session, country: CountryConfig, payload: WebhookPayment
) -> IngestResult:
    try:
        amount_minor = to_minor(payload.amount, country.currency)
    except ValueError as error:
        raise InvalidInput.for_field("amount", str(error)) from None
    if (too_much := over_limit(country, amount_minor)) is not None:
        raise InvalidInput.for_field("amount", too_much)
    paid_at = payload.timestamp or dt.datetime.now(dt.UTC)
    if paid_at.tzinfo is None:
        paid_at = paid_at.replace(tzinfo=country.zone)
    key = f"{payload.provider}:{payload.reference}"
    message_id = store_message(
        session=session,
        source="webhook",
        gateway_message_id=key,
        sender=payload.provider,
        content=json.dumps(payload.model_dump(mode="json"), sort_keys=True),
        sms_sent=None,
        sms_received=paid_at,
    )
    if message_id is None:
        return _redelivery(session=session, country=country, key=key, sms=None, webhook=payload)
    phone = "".join(ch for ch in payload.phone or "" if ch.isdigit()) or None
    claim = Claim(
        provider=payload.provider,
        reference=payload.reference,
        amount_minor=amount_minor,
        paid_at=paid_at.astimezone(dt.UTC),
        payer_phone=phone,
        candidates=[payload.account_number] if payload.account_number else [],
        parsed={
            "provider": payload.provider,
            "reference": payload.reference,
            "amount_minor": amount_minor,
            "currency": country.currency,
            "payer_phone": phone,
            "account_candidates": [payload.account_number] if payload.account_number else [],
            "paid_at": paid_at.isoformat(),
        },
    )
    result = settle(
        session=session,
        country=country,
        message_id=message_id,
        key=key,
        claim=claim,
        parser="webhook",
        source="webhook",
    )
    result.message_id = message_id
    return result


def allocate_message(
    *,
    session: Session,
    country: CountryConfig,
    message_id: int,
    account_number: str,
    actor: str,
) -> IngestResult:
    """Staff give a parked or unmatched payment its account; it is then posted like any other."""
    message = session.get(SmsMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound(f"no inbox message {message_id}")
    if message.outcome not in (Outcome.UNMATCHED, Outcome.PARKED) or not message.parsed:
        raise Conflict(
            f"message {message_id} is {message.outcome}: only unmatched or parked "
            "payments can be allocated"
        )
    account = find_account(session=session, account_number=account_number)
    if account is None:
        raise InvalidInput.for_field("account_number", f"no account {account_number!r}")
    claim = claim_from_parsed(message.parsed, message)
    before = {"outcome": message.outcome, "account_number": message.account_number}
    posted = post_payment(
        session=session,
        country=country,
        account=account,
        provider=claim.provider,
        reference=claim.reference,
        amount_minor=claim.amount_minor,
        paid_at=claim.paid_at,
        source="allocation",
        payer_phone=claim.payer_phone,
        recorded_by=actor,
    )
    if posted.duplicate:
        raise Conflict(
            f"{claim.provider} reference {claim.reference} is already payment {posted.payment.id}"
        )
    exact_fee = posted.split.exact_fee if posted.split else None
    outcome = Outcome.FEE if exact_fee else Outcome.PAYMENT
    receipt, _ = queue_receipts(
        session=session,
        country=country,
        account=account,
        payment=posted.payment,
        reference=claim.reference,
        exact_fee=exact_fee,
        payer_phone=claim.payer_phone,
    )
    after = {
        "outcome": outcome,
        "account_number": account.account_number,
        "payment_id": posted.payment.id,
        "allocated_by": actor,
        "allocated_at": dt.datetime.now(dt.UTC),
    }
    finish_message(session=session, message_id=message_id, receipt=receipt, **after)
    record_mutation(
        session=session,
        actor=actor,
        action="update",
        table="sms_messages",
        record_id=message_id,
        old=before,
        new=after,
    )
    return paid_result(message.gateway_message_id, outcome, posted.payment, account, country)


def _process_sms(
    *,
    session: Session,
    country: CountryConfig,
    parsers: Sequence[PaymentParser],
    sms: IncomingSms,
    message_id: int,
) -> IngestResult:
    parsed = parse_with(parsers, sender=sms.sender, body=sms.content)
    key = sms.gateway_message_id
    if parsed.result is None:
        reason = "no parser or template recognised this message"
        finish_message(
            session=session, message_id=message_id, outcome=Outcome.UNPARSED, reason=reason
        )
        return IngestResult(id=key, outcome=Outcome.UNPARSED, reason=reason)
    if isinstance(parsed.result, Rejection):
        reason = parsed.result.reason
        finish_message(
            session=session,
            message_id=message_id,
            outcome=Outcome.REJECTED,
            reason=reason,
            parser=parsed.parser,
        )
        return IngestResult(id=key, outcome=Outcome.REJECTED, reason=reason)
    payment: ParsedPayment = parsed.result
    if payment.currency != country.currency or payment.amount_minor <= 0:
        reason = f"{payment.amount_minor} {payment.currency} is not a payment in {country.currency}"
        finish_message(
            session=session,
            message_id=message_id,
            outcome=Outcome.REJECTED,
            reason=reason,
            parser=parsed.parser,
            parsed=parsed_json(payment),
        )
        return IngestResult(id=key, outcome=Outcome.REJECTED, reason=reason)
    if (too_much := over_limit(country, payment.amount_minor)) is not None:
        finish_message(
            session=session,
            message_id=message_id,
            outcome=Outcome.REJECTED,
            reason=too_much,
            parser=parsed.parser,
            parsed=parsed_json(payment),
        )
        return IngestResult(id=key, outcome=Outcome.REJECTED, reason=too_much)
    paid_at = payment.paid_at or sms.sms_received or sms.sms_sent or dt.datetime.now(dt.UTC)
    reference = payment.reference
    if payment.synthetic_reference:  # no provider id: each gateway message is its own payment
        reference = f"{reference}@{sms.sender}:{sms.gateway_message_id}"[:120]
    claim = Claim(
        provider=payment.provider,
        reference=reference,
        amount_minor=payment.amount_minor,
        paid_at=paid_at.astimezone(dt.UTC),
        payer_phone=payment.payer_phone,
        candidates=payment.account_candidates,
        parsed={**parsed_json(payment), "reference": reference},
    )
    return settle(
        session=session,
        country=country,
        message_id=message_id,
        key=key,
        claim=claim,
        parser=parsed.parser,
        source="sms",
    )


def _redelivery(
    *,
    session: Session,
    country: CountryConfig,
    key: str,
    sms: IncomingSms | None,
    webhook: WebhookPayment | None = None,
) -> IngestResult:
    """The answer for a message delivered again: `duplicate`, pointing at what it became."""
    if sms is not None:  # the gateway app's identity is the id alone
        found = gateway_message(session=session, gateway_message_id=key)
        assert found is not None
        first = found
    else:
        assert webhook is not None
        content = json.dumps(webhook.model_dump(mode="json"), sort_keys=True)
        first = session.exec(
            select(SmsMessage).where(
                SmsMessage.gateway_message_id == key,
                SmsMessage.sender == webhook.provider,
                SmsMessage.content_hash == content_hash(content),
            )
        ).one()
    payment = session.get(Payment, first.payment_id) if first.payment_id else None
    amount = major_string(payment.amount_minor, payment.currency) if payment else None
    return IngestResult(
        id=key,
        outcome=Outcome.DUPLICATE,
        payment_id=first.payment_id,
        account_number=first.account_number,
        amount=amount,
        currency=country.currency if payment else None,
        reason=f"already received as inbox message {first.id} ({first.outcome})",
        message_id=first.id,
    )
