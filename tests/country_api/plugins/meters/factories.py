"""Test data for meter platform tests."""

from __future__ import annotations

from country_api.plugins.meters.protocol import Credit


def credit(
    external_id: str = "123",
    *,
    customer_code: str = "0252SHG",
    amount_minor: int = 12550,
    currency: str = "LSL",
) -> Credit:
    return Credit(
        external_id=external_id,
        customer_code=customer_code,
        amount_minor=amount_minor,
        currency=currency,
        memo=f"sms_incoming ref=TJK9XYZ1A2 txn={external_id}",
    )
