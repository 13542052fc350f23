"""One country's API: customers, meters, metering, payments, SMS, tariffs, reports.

Import direction
----------------
A module imports from its own package and from the layers below its own, never from a layer
above; siblings written `a | b` do not import each other either. Top to bottom:

1. Composition: `main | worker_app`; then `observability | routers | startup | wiring |
   workers`; then `resources`. They build the app and the workers from the domains; no
   domain imports them.
2. Domains:
   - `analytics | imports`: reports and bulk imports, on top of the domains they read or fill;
   - `exports`: spreadsheet exports (analytics reuses their writer);
   - `onboarding`: steps from registration to commissioning, the pipeline, contracts, the
     platform-customer outbox (it reads payments and drives meters and customers);
   - `payments`: ledger, fees, SMS/webhook ingest (`flows.py` runs the sms inbox and the
     ledger), the credit outbox;
   - `messages | sms`: every outbound message with its delivery status (receipts are queued by
     payments); the inbox and the operator templates;
   - `meters | tariffs`;
   - `customers | system` (system answers /health and the public /api/config);
   - `sites` (audited site registry);
   - `audit | metering`: leaves, they import no other domain.
3. Service kernel, which every router uses and which imports no domain: `auth`; `deps` (sees
   the resources and the parser chain through protocols); `config | jwks | migrate`.
4. `plugins`: payment parsers and meter platforms. A provider imports its protocol, helpers
   in its own folder and `gridcare.core`; plugins import nothing else of country_api.

Beneath everything is `gridcare.core`, shared with the gateway (it imports no service); above
everything, `gridcare.cli` and `gridcare.demo`. country_api and federation_gateway never
import each other.

The rule: when lower code needs higher code, do not import upwards. Move a shared data type
down (`sms.models.IncomingSms`); move the orchestrating code up, keeping its URL (the gateway's
`/api/sms/incoming` runs payments, so it is served from `payments/sms_router.py`); or declare a
hook in the lower domain and fill it in from `wiring.py` (audit's reverters, the meters in a
customer's detail). A new domain or top-level module gets a place in the layers.

`make architecture` enforces this: the import-linter contracts in pyproject.toml (the
country_api layers contract is exhaustive, so an unplaced package fails it) and deptry.
"""
