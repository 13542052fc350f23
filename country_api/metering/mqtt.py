"""The 1Meter MQTT subscriber: `oneMeter/+/telemetry` into the same ingest as HTTP.

QoS 1 on a persistent session (fixed client id, no clean start, a week's session expiry), so
messages published while we are away wait at the broker. MQTT 5 by default, announcing a
Receive Maximum of `2 * batch_size` so the broker keeps whole batches in flight to us (MQTT
3.1.1 brokers cap that at their own setting, 20 on Mosquitto); `?protocol=3.1.1` in the URL
selects MQTT 3.1.1 for brokers without MQTT 5. Messages are acknowledged only after the
transaction storing them commits (paho `manual_ack`): a crash before the commit means
redelivery, and the ingest makes redelivery harmless (a duplicate never counts twice).
Reconnects back off from 1 s to 60 s. Several API copies can share the load with a
`$share/<group>/…` topic.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlalchemy import Engine

from country_api.metering import onemeter
from country_api.metering.ingest import ingest_readings, log_rejection
from country_api.metering.models import IncomingReading, ReadingSource
from gridcare.core.errors import AppError
from gridcare.core.observability import mark_worker_pass

log = logging.getLogger(__name__)
TELEMETRY_TOPIC = "oneMeter/+/telemetry"
SESSION_EXPIRY_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None
    v5: bool = True


def parse_broker_url(url: str) -> BrokerAddress:
    """`mqtt://user:pass@host:1883` or `mqtts://host` (TLS, port 8883 by default);
    `?protocol=3.1.1` for brokers without MQTT 5."""
    parts = urlsplit(url)
    protocol = parse_qs(parts.query).get("protocol", ["5"])[0]
    if protocol not in ("5", "3.1.1"):
        raise ValueError(f"GRIDCARE_MQTT_URL protocol {protocol!r} must be 5 or 3.1.1")
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl") or not parts.hostname:
        raise ValueError(f"GRIDCARE_MQTT_URL {url!r} must look like mqtt://host:1883")
    tls = parts.scheme in ("mqtts", "ssl")
    return BrokerAddress(
        host=parts.hostname,
        port=parts.port or (8883 if tls else 1883),
        tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        v5=protocol == "5",
    )


class TelemetrySubscriber:
    """Runs paho's network thread plus one worker thread that stores messages in batches."""

    def __init__(
        self,
        *,
        url: str,
        engine: Engine,
        clock: dt.tzinfo,
        client_id: str,
        topic: str = TELEMETRY_TOPIC,
        batch_size: int = 500,
    ) -> None:
        self.address = parse_broker_url(url)
        self.engine = engine
        self.clock = clock
        self.topic = topic
        self.batch_size = batch_size
        self.connected = threading.Event()
        self.processed = 0
        self.batches = 0
        self._inbox: queue.Queue[paho.MQTTMessage] = queue.Queue()
        self._stopping = threading.Event()
        self._worker = threading.Thread(target=self._work, name="mqtt-ingest", daemon=True)
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=None if self.address.v5 else False,
            protocol=paho.MQTTv5 if self.address.v5 else paho.MQTTv311,
            manual_ack=True,
        )
        if self.address.username:
            self.client.username_pw_set(self.address.username, self.address.password)
        if self.address.tls:
            self.client.tls_set()
        self.client.reconnect_delay_set(min_delay=1, max_delay=60)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    def start(self) -> None:
        self._worker.start()
        if self.address.v5:
            properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            properties.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
            properties.ReceiveMaximum = min(65535, 2 * self.batch_size)
            self.client.connect_async(
                self.address.host,
                self.address.port,
                keepalive=30,
                clean_start=False,
                properties=properties,
            )
        else:
            self.client.connect_async(self.address.host, self.address.port, keepalive=30)
        self.client.loop_start()

    async def run(self, stop: asyncio.Event) -> None:
        """The worker form: subscribed until `stop` is set (paho's threads do the work)."""
        await asyncio.to_thread(self.start)
        try:
            await stop.wait()
        finally:
            await asyncio.to_thread(self.stop)

    def stop(self, timeout: float = 5.0, *, end_session: bool = False) -> None:
        """Disconnects; `end_session` also drops the broker's session (MQTT 5; tests, benches)."""
        self._stopping.set()
        self._worker.join(timeout)
        if end_session and self.address.v5:
            properties = Properties(PacketTypes.DISCONNECT)  # type: ignore[no-untyped-call]
            properties.SessionExpiryInterval = 0
            self.client.disconnect(properties=properties)
        else:
            self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(
        self, client: paho.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        if reason.is_failure:
            log.warning("MQTT broker %s refused us: %s", self.address.host, reason)
            return
        client.subscribe(self.topic, qos=1)
        self.connected.set()
        log.info("MQTT subscribed to %s on %s:%s", self.topic, self.address.host, self.address.port)

    def _on_disconnect(
        self, client: paho.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        self.connected.clear()
        if not self._stopping.is_set():
            log.warning("MQTT connection lost (%s); reconnecting with backoff", reason)

    def _on_message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        self._inbox.put(message)

    def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                first = self._inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = [first]
            while len(batch) < self.batch_size:
                try:
                    batch.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            self._store_until_done(batch)

    def _store_until_done(self, batch: list[paho.MQTTMessage]) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            try:
                self._store(batch)
            except Exception:
                log.exception(
                    "storing %d MQTT messages failed; retrying in %.1f s", len(batch), delay
                )
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            for message in batch:
                if message.qos > 0:
                    self.client.ack(message.mid, message.qos)
            self.processed += len(batch)
            self.batches += 1
            mark_worker_pass("mqtt-telemetry")
            return

    def _store(self, batch: list[paho.MQTTMessage]) -> None:
        readings: list[IncomingReading] = []
        payloads: list[Any] = []
        with self.engine.begin() as connection:
            for message in batch:
                payload: Any = None
                try:
                    payload = json.loads(message.payload)
                    readings.append(onemeter.from_mqtt(payload, self.clock))
                    payloads.append(payload)
                except (ValueError, AppError) as error:
                    reason = error.message if isinstance(error, AppError) else "not JSON"
                    raw = (
                        payload if payload is not None else message.payload.decode(errors="replace")
                    )
                    meter_id = raw.get("meterId") if isinstance(raw, dict) else None
                    log_rejection(
                        connection,
                        source=ReadingSource.ONEMETER_MQTT.value,
                        meter_id=str(meter_id)[:64] if meter_id else None,
                        status_code=422,
                        reason=f"{message.topic}: {reason}",
                        payload=raw,
                    )
            if readings:
                ingest_readings(connection, readings, payloads=payloads)
