"""MQTT ingest of 50,000 1Meter messages: messages/s through broker, subscriber and database.

    uv run python -m bench.mqtt_ingest [--scale 0.1]

Publishes QoS 1 telemetry for 500 meters (15-minute readings) to GRIDCARE_MQTT_URL (default
mqtt://127.0.0.1:1883), runs the real `TelemetrySubscriber`, and times until every message is
stored; then checks that `readings` holds exactly one row per message (none lost).

The publisher keeps at most `--window` messages ahead of what the subscriber has stored:
Mosquitto's default `max_queued_messages 1000` silently drops QoS 1 messages queued beyond
that for a subscriber that is behind, so an unpaced burst measures the broker's queue limit,
not our ingest (production brokers should raise that limit; meters publish every 15 minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
import uuid

import psycopg

from bench._metering_db import add_meters, bench_database
from country_api.metering.mqtt import TelemetrySubscriber, parse_broker_url
from gridcare.core.countries import load_country
from gridcare.core.db import make_engine
from tests.country_api.metering.broker import Publisher

METERS = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 50,000 messages")
    parser.add_argument("--window", type=int, default=1500, help="messages ahead of storage")
    args = parser.parse_args()
    total = int(50_000 * args.scale)
    url = os.environ.get("GRIDCARE_MQTT_URL", "mqtt://127.0.0.1:1883")
    address = parse_broker_url(url)
    thing = uuid.uuid4().hex[:8]
    clock = load_country("ls").meter_clock
    with bench_database("mqtt") as database:
        add_meters(database, METERS, prefix="1")
        with psycopg.connect(database, autocommit=True) as db:
            db.execute("UPDATE meters SET meter_id = replace(meter_id, '-MAK-', '')")
        engine = make_engine(database, pool_size=2)
        subscriber = TelemetrySubscriber(
            url=url,
            engine=engine,
            clock=clock,
            client_id=f"bench-{thing}",
            topic=f"oneMeter/{thing}/telemetry",
        )
        subscriber.start()
        assert subscriber.connected.wait(10), "no broker"
        time.sleep(0.5)
        publisher = Publisher(address.host, address.port)
        start = dt.datetime(2026, 4, 1)
        started = time.perf_counter()
        for n in range(total):
            meter, step = n % METERS + 1, n // METERS
            stamp = start + dt.timedelta(minutes=15 * step)
            energy = 1 + step * 0.0123
            payload = {
                "meterId": f"{int('1' + str(meter)):012d}",
                "Time": f"{stamp:%Y%m%d%H%M}",
                "EnergyActive": f"{energy:.2f} kWh",
                "EnergyIntegrated": f"{energy:.6f}",
                "Voltage": "230.1 V",
            }
            while n - subscriber.processed > args.window:
                time.sleep(0.005)
            publisher.client.publish(f"oneMeter/{thing}/telemetry", json.dumps(payload), qos=1)
        published = time.perf_counter() - started
        while subscriber.processed < total and time.perf_counter() - started < 300:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        publisher.close()
        subscriber.stop(end_session=True)
        engine.dispose()
        with psycopg.connect(database) as db:
            row = db.execute("SELECT count(*) FROM readings").fetchone()
            stored = row[0] if row else 0
    print(
        f"stored in {subscriber.batches:,} transactions"
        f" (mean batch {total / max(subscriber.batches, 1):,.0f} messages)"
    )
    print(f"{total:,} messages published in {published:.1f} s; all processed in {elapsed:.1f} s")
    print(
        f"ingest rate: {total / elapsed:,.0f} messages/s; readings stored: {stored:,}"
        f" ({'none lost' if stored == total else f'{total - stored:,} LOST'})"
    )


if __name__ == "__main__":
    main()
