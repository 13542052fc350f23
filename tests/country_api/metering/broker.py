"""An MQTT broker for tests: GRIDCARE_TEST_MQTT_URL (the machine's Mosquitto), else amqtt."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def mqtt_broker() -> Iterator[str]:
    url = os.environ.get("GRIDCARE_TEST_MQTT_URL")
    if url:
        yield url
        return
    from amqtt.broker import Broker

    port = _free_port()
    loop = asyncio.new_event_loop()
    config: dict[str, Any] = {
        "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> Broker:
        # Built inside its own running loop: amqtt makes futures on the current loop, and the
        # test thread may have none (after Playwright or pytest-asyncio closed theirs).
        made = Broker(config)
        await made.start()
        return made

    broker = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield f"mqtt://127.0.0.1:{port}?protocol=3.1.1"  # amqtt speaks MQTT 3.1.1 only
    finally:
        asyncio.run_coroutine_threadsafe(broker.shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


class Publisher:
    """A plain paho publisher that waits for each QoS 1 acknowledgement."""

    def __init__(self, host: str, port: int) -> None:
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id="")
        self.client.connect(host, port)
        self.client.loop_start()

    def publish(self, topic: str, payload: bytes | str) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(10)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
