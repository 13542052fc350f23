"""1Meter telemetry over a real MQTT broker, checked against the hourly table exactly."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from country_api.main import create_app
from country_api.metering.mqtt import TelemetrySubscriber, parse_broker_url
from country_api.workers import worker_pool
from federation_gateway.tokens import TokenIssuer
from gridcare.core.countries import load_country
from gridcare.core.db import make_engine
from tests.country_api.metering.broker import Publisher, mqtt_broker
from tests.country_api.metering.conftest import add_account, hourly, rejections, utc
from tests.support.countries import country_resources, running
from tests.support.waiting import eventually, eventually_blocking

SAST = load_country("ls").meter_clock


@pytest.fixture(scope="module")
def broker_url() -> Iterator[str]:
    with mqtt_broker() as url:
        yield url


def record(stamp: str, active: str, integrated: str, meter: str = "000023022673") -> str:
    return json.dumps(
        {
            "meterId": meter,
            "Time": stamp,
            "EnergyActive": f"{active} kWh",
            "EnergyIntegrated": integrated,
            "PowerActive": "152.0 W",
            "Voltage": "230.1 V",
            "Current": "0.66 A",
            "Frequency": "50.0 Hz",
            "Relay": "1",
        }
    )


def wait_for(subscriber: TelemetrySubscriber, count: int) -> None:
    eventually_blocking(
        lambda: subscriber.processed >= count,
        within=20,
        message=lambda: f"{count} processed (only {subscriber.processed})",
    )


def subscribed(subscriber: TelemetrySubscriber) -> threading.Event:
    """Set once the broker has acknowledged the subscriber's subscription.

    `connected` is set as the SUBSCRIBE is sent, not when it is acknowledged. Subscribing once
    more and waiting for a SUBACK is enough: the broker answers a client's packets in order.
    """
    assert subscriber.connected.wait(10)
    acknowledged = threading.Event()
    subscriber.client.on_subscribe = lambda *_: acknowledged.set()
    subscriber.client.subscribe(subscriber.topic, qos=1)
    return acknowledged


def test_duplicates_reboot_decrease_and_late_messages(broker_url: str, ls_db: str) -> None:
    add_account(ls_db, "0045MAK", [("23022673", "primary")])
    address = parse_broker_url(broker_url)
    topic = f"oneMeter/{uuid.uuid4().hex[:8]}/telemetry"
    engine = make_engine(ls_db, pool_size=2)
    subscriber = TelemetrySubscriber(
        url=broker_url,
        engine=engine,
        clock=SAST,
        client_id=f"test-{uuid.uuid4().hex}",
        topic=topic,  # one thing's topic: the shared broker may carry other runs' messages
    )
    subscriber.start()
    publisher = Publisher(address.host, address.port)
    try:
        assert subscribed(subscriber).wait(10)
        in_order = [
            record("202604281400", "1.00", "1.0000"),
            record("202604281415", "1.01", "1.0123"),
            record("202604281415", "1.01", "1.0123"),  # duplicate
            record("202604281430", "1.03", "0.0050"),  # reboot: integrated restarts
            record("202604281445", "1.04", "0.0140"),
            record("202604281510", "1.02", "0.0100"),  # register decrease
            record("202604281530", "1.05", "0.0400"),
            "not json at all",
        ]
        for payload in in_order:
            publisher.publish(topic, payload)
        wait_for(subscriber, len(in_order))
        assert hourly(ls_db, "23022673") == {
            utc("2026-04-28T12:00"): Decimal("0.041300"),  # 12.3 + 20 (active) + 9
            utc("2026-04-28T13:00"): Decimal("0.030000"),  # 0 (decrease) + 30
        }
        publisher.publish(topic, record("202604281505", "1.045", "0.0180"))  # late, hour 13
        publisher.publish(topic, record("202604281350", "0.98", "0.9900"))  # late, hour 11
        wait_for(subscriber, len(in_order) + 2)
        assert hourly(ls_db, "23022673") == {
            utc("2026-04-28T11:00"): Decimal("0.000000"),
            utc("2026-04-28T12:00"): Decimal("0.051300"),  # + 10 before the old first
            utc("2026-04-28T13:00"): Decimal("0.034000"),  # 4 + 0 + 30
        }
        assert [(code, reason.split(": ", 1)[1]) for _, code, reason, _ in rejections(ls_db)] == [
            (422, "not JSON")
        ]
    finally:
        publisher.close()
        subscriber.stop(end_session=True)
        engine.dispose()


def test_messages_sent_while_away_arrive_on_reconnect(broker_url: str, ls_db: str) -> None:
    if not os.environ.get("GRIDCARE_TEST_MQTT_URL"):
        pytest.skip("the embedded amqtt broker keeps no messages for offline sessions")
    add_account(ls_db, "0046MAK", [("23022675", "primary")])
    address = parse_broker_url(broker_url)
    thing = uuid.uuid4().hex[:8]
    client_id = f"test-{uuid.uuid4().hex}"
    engine = make_engine(ls_db, pool_size=2)
    publisher = Publisher(address.host, address.port)

    def subscriber() -> TelemetrySubscriber:
        return TelemetrySubscriber(
            url=broker_url,
            engine=engine,
            clock=SAST,
            client_id=client_id,
            topic=f"oneMeter/{thing}/telemetry",
        )

    first = subscriber()
    first.start()
    try:
        assert subscribed(first).wait(10)
        publisher.publish(
            f"oneMeter/{thing}/telemetry", record("202604281400", "2.00", "2.0", "23022675")
        )
        wait_for(first, 1)
    finally:
        first.stop()
    publisher.publish(
        f"oneMeter/{thing}/telemetry", record("202604281420", "2.10", "2.1", "23022675")
    )
    second = subscriber()
    second.start()
    try:
        wait_for(second, 1)
        assert hourly(ls_db, "23022675") == {utc("2026-04-28T12:00"): Decimal("0.100000")}
    finally:
        second.stop(end_session=True)
        publisher.close()
        engine.dispose()


async def test_the_worker_runs_the_subscriber_when_a_broker_is_configured(
    broker_url: str, ls_db: str, issuer: TokenIssuer, auth: Any
) -> None:
    add_account(ls_db, "0047MAK", [("23022677", "primary")])
    address = parse_broker_url(broker_url)
    client_id = f"test-app-{uuid.uuid4().hex}"
    thing = uuid.uuid4().hex[:8]
    resources = country_resources(
        "ls",
        ls_db,
        issuer,
        mqtt_url=broker_url,
        mqtt_client_id=client_id,
        mqtt_topic=f"oneMeter/{thing}/telemetry",
    )
    async with (
        running(create_app(resources)) as client,
        worker_pool(resources, only=["mqtt-telemetry"]) as pool,
    ):
        subscriber = pool.instances["mqtt-telemetry"]
        assert isinstance(subscriber, TelemetrySubscriber)
        assert await asyncio.to_thread(lambda: subscribed(subscriber).wait(10))
        publisher = Publisher(address.host, address.port)
        try:
            for stamp, energy in (("202604281400", "1.00"), ("202604281430", "1.25")):
                publisher.publish(
                    f"oneMeter/{thing}/telemetry", record(stamp, energy, "", "23022677")
                )
            await eventually(lambda: subscriber.processed >= 2, within=20)
        finally:
            publisher.close()
        answer = await client.get(
            "/api/accounts/0047MAK/consumption",
            params={"from": "2026-04-28T00:00:00Z", "to": "2026-04-29T00:00:00Z"},
            headers=auth(),
        )
    assert answer.json()["items"] == [{"period": "2026-04-28T12:00:00Z", "kwh": "0.2500"}]
