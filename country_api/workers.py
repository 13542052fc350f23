"""Every background worker of a country, in one place.

`gridcare worker --country ls` runs them in a process of their own (production: one ECS
service per country, scaled apart from the API); `gridcare serve country --with-workers` runs
them inside the API (the demo); the API alone runs none. Any number of copies may run:

| worker | does | copies share the work by |
|---|---|---|
| credit-outbox | meter credits to each site's platform | `FOR UPDATE SKIP LOCKED` rows |
| platform-customers | customers on Koios / ThunderCloud at commissioning | `SKIP LOCKED` rows |
| credit-backlog | the outbox backlog as a JSON metric line | reading only |
| rollup-refresh | report rollups the triggers queued | a transaction advisory lock |
| koios-import | SparkMeter Koios readings on a schedule | a session advisory lock |
| mqtt-telemetry | 1Meter readings from the broker | an MQTT shared subscription |
| partitions | next months' reading partitions | an advisory lock; idempotent |
"""

from __future__ import annotations

import logging

from country_api.analytics.refresh import drain_queue
from country_api.imports.schedule import KoiosImportSchedule, parse_sites
from country_api.metering.mqtt import TelemetrySubscriber
from country_api.metering.partitions import ensure_partitions_ahead
from country_api.onboarding.platform_outbox import PlatformCustomerWorker
from country_api.payments.backlog import log_backlog
from country_api.payments.outbox import CreditWorker
from country_api.resources import CountryResources
from gridcare.core.workers import Periodic, Worker, WorkerPool, WorkerSpec

log = logging.getLogger(__name__)
PARTITION_UPKEEP_SECONDS = 6 * 3600

Spec = WorkerSpec[CountryResources]


def _credit_outbox(resources: CountryResources) -> Worker:
    return CreditWorker(
        engine=resources.engine, platform_for=resources.platform_for, policy=resources.credit_retry
    )


def _platform_customers(resources: CountryResources) -> Worker:
    return PlatformCustomerWorker(
        engine=resources.engine, platform_for=resources.platform_for, policy=resources.credit_retry
    )


def _credit_backlog(resources: CountryResources) -> Worker:
    country = resources.country
    return Periodic(
        "credit-backlog",
        lambda: log_backlog(engine=resources.engine, country_code=country.code),
        resources.settings.outbox_metric_interval_seconds,
    )


def _rollup_refresh(resources: CountryResources) -> Worker:
    return Periodic(
        "rollup-refresh",
        lambda: drain_queue(resources.engine, resources.country),
        resources.settings.rollup_refresh_seconds,
    )


def _koios_import(resources: CountryResources) -> Worker:
    settings = resources.settings
    return KoiosImportSchedule(
        engine=resources.engine,
        country_code=resources.country.code,
        plan=parse_sites(settings.koios_import_sites),
        interval_seconds=settings.koios_import_interval_minutes * 60,
        client_factory=resources.koios_client_factory,
    )


def _koios_planned(resources: CountryResources) -> bool:
    settings = resources.settings
    if settings.koios_import_interval_minutes <= 0:
        return False
    if not parse_sites(settings.koios_import_sites):
        log.warning(
            "GRIDCARE_KOIOS_IMPORT_INTERVAL_MINUTES is set but GRIDCARE_KOIOS_IMPORT_SITES is"
            " empty: no scheduled Koios import"
        )
        return False
    return True


def _mqtt_telemetry(resources: CountryResources) -> Worker:
    settings = resources.settings
    assert settings.mqtt_url is not None
    return TelemetrySubscriber(
        url=settings.mqtt_url,
        engine=resources.engine,
        clock=resources.country.meter_clock,
        client_id=settings.mqtt_client_id or f"gridcare-{resources.country.slug}-telemetry",
        topic=settings.mqtt_topic,
    )


def _partitions(resources: CountryResources) -> Worker:
    return Periodic(
        "partitions",
        lambda: ensure_partitions_ahead(resources.engine, now=resources.clock()),
        PARTITION_UPKEEP_SECONDS,
    )


WORKERS: tuple[Spec, ...] = (
    Spec(
        "credit-outbox",
        "meter credits to the platforms, retried with backoff",
        enabled=lambda r: r.country.features.meter_credit,
        build=_credit_outbox,
    ),
    Spec(
        "platform-customers",
        "customers created on the meter platforms that keep a customer list",
        enabled=lambda r: r.country.features.meter_credit,
        build=_platform_customers,
    ),
    Spec(
        "credit-backlog",
        "the credit outbox backlog as a JSON metric line",
        enabled=lambda r: (
            r.country.features.meter_credit and r.settings.outbox_metric_interval_seconds > 0
        ),
        build=_credit_backlog,
        stop_timeout=10,
    ),
    Spec(
        "rollup-refresh",
        "report rollups recomputed from the queue",
        enabled=lambda r: r.settings.rollup_refresh_seconds > 0,
        build=_rollup_refresh,
        stop_timeout=60,
    ),
    Spec("koios-import", "scheduled Koios readings", enabled=_koios_planned, build=_koios_import),
    Spec(
        "mqtt-telemetry",
        "1Meter readings from the MQTT broker",
        enabled=lambda r: bool(r.settings.mqtt_url),
        build=_mqtt_telemetry,
    ),
    Spec(
        "partitions",
        "reading partitions months ahead",
        enabled=lambda r: True,
        build=_partitions,
    ),
)


def worker_pool(
    resources: CountryResources, *, only: list[str] | None = None
) -> WorkerPool[CountryResources]:
    return WorkerPool(WORKERS, resources, only=only)
