"""Payment parsers: one module per mobile-money format, found by name (see `protocol.py`).

Outcomes a chain of parsers gives ingest (see `chain.parse_with`):
- a `ParsedPayment`: the message is a received payment;
- a `Rejection`: a parser recognised its provider's message and it is not a payment (a balance,
  an airtime purchase, money sent, a zero amount) → outcome `rejected`;
- `None` from every parser: nobody recognised it (customer texts, promos, garbage, a bare
  `500F` without a payment keyword) → outcome `unparsed`, for staff to look at.

The reference is the provider's transaction id. Without one in the SMS, it is a hash of the
message and `synthetic_reference` is set (see `ParsedPayment`). Parsers do not check who sent
the SMS beyond recognising a provider's short code: which senders to trust is ingest's call.
Shared pieces live in `text.py`; operator-editable formats in `templates.py`.
"""
