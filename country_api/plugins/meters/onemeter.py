"""1Meter, the operator's own IoT meter: readings come in over MQTT and HTTP; it takes no credits.

The meter keeps no money or kWh balance of its own and exposes no credit command: the only
downstream command in the 1Meter protocol is the relay (`oneMeter/{thing}/cmd/relay`,
`action` open/close, acknowledged on `…/cmd/relay/ack`). The customer's balance lives in
GridCare's ledger, and switching the relay when a balance runs out or is topped up belongs to
the balance/relay code, not to a credit push. So a credit pushed here is refused, final (not
retryable), and a country whose sites are on 1Meter keeps `features.meter_credit` off.
"""

from __future__ import annotations

from country_api.plugins.meters.protocol import Credit, CreditResult, PlatformError

NO_CREDIT_API = "1Meter credits are applied by the meter gateway"


class OneMeterPlatform:
    name = "onemeter"

    @classmethod
    def from_env(cls, country_code: str) -> OneMeterPlatform:
        return cls()

    async def push_credit(self, credit: Credit) -> CreditResult:
        raise PlatformError(f"{NO_CREDIT_API} (payment {credit.external_id})", retryable=False)
