"""`gridcare demo` as a user runs it: every service in its own process, Ctrl-C stops them all.

The demo runs on free ports against databases on the test server (`databases` fixture), with
its data folder in a temporary directory.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.databases import DatabaseFactory
from tests.support.waiting import eventually_blocking

SERVICES = ("gateway", "ls", "bn", "zm")
DEMO = [sys.executable, "-c", "import sys; from gridcare.cli import app; sys.exit(app())", "demo"]


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def health(port: int) -> int | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2, trust_env=False).status_code
    except httpx.HTTPError:
        return None


class Demo:
    def __init__(self, process: subprocess.Popen[str], ports: dict[str, int], log: Path) -> None:
        self.process = process
        self.ports = ports
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_healthy(self, timeout: float = 60) -> None:
        def healthy() -> bool:
            assert self.process.poll() is None, f"demo exited early:\n{self.output()[-3000:]}"
            return all(health(port) == 200 for port in self.ports.values())

        eventually_blocking(
            healthy,
            within=timeout,
            every=0.1,
            message=lambda: f"a healthy demo:\n{self.output()[-3000:]}",
        )


@pytest.fixture
def demo(databases: DatabaseFactory, tmp_path: Path) -> Iterator[Demo]:
    ports = dict(zip(SERVICES, free_ports(len(SERVICES)), strict=True))
    prefix = f"{databases.prefix}_demo"
    databases.created += [f"{prefix}_{name}" for name in SERVICES]  # dropped after the session
    env = {
        **os.environ,
        "GRIDCARE_DATABASE_URL": databases.admin_url,
        "GRIDCARE_DEMO_ADMIN_PASSWORD": "demo-admin-secret",
        "COLUMNS": "200",
    }
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                *DEMO,
                "--data-dir",
                str(tmp_path / "data"),
                "--database-prefix",
                prefix,
                "--core-data-only",  # the supervisor is under test here, not the seed steps
                "--ports",
                ",".join(f"{name}={port}" for name, port in ports.items()),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    running = Demo(process, ports, log)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_demo_serves_every_service_restarts_a_dead_country_and_stops_on_ctrl_c(
    demo: Demo,
) -> None:
    demo.wait_healthy()
    login = httpx.post(
        f"http://127.0.0.1:{demo.ports['gateway']}/auth/login",
        json={"username": "admin", "password": "demo-admin-secret", "country": "bn"},
        trust_env=False,
    )
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    customers = httpx.get(
        f"http://127.0.0.1:{demo.ports['gateway']}/api/bn/customers",
        headers={"Authorization": f"Bearer {token}"},
        trust_env=False,
    )
    assert customers.status_code == 200, customers.text
    assert customers.json()["total"] == 150

    (benin,) = [
        child
        for child in psutil.Process(demo.process.pid).children(recursive=True)
        if str(demo.ports["bn"]) in child.cmdline()
    ]
    benin.kill()  # a crash: SIGKILL, no clean shutdown
    eventually_blocking(
        lambda: "the Benin API" in demo.output() and "restarting it in" in demo.output(),
        message=lambda: f"the supervisor to see Benin stop:\n{demo.output()[-2000:]}",
    )
    assert all(health(demo.ports[name]) == 200 for name in ("gateway", "ls", "zm"))
    demo.wait_healthy(timeout=60)  # Benin is back, started again by the supervisor
    assert "the Benin API restarted (restart 1)" in demo.output()

    demo.process.send_signal(signal.SIGINT)
    assert demo.process.wait(timeout=20) == 0, demo.output()[-2000:]
    assert [port for port in demo.ports.values() if listening(port)] == []
    assert "SIGINT received" in demo.output()


def test_a_taken_port_stops_the_demo_before_it_starts(demo_port_taken: tuple[int, str]) -> None:
    port, output = demo_port_taken
    assert f"port {port}" in output
    assert "already in use" in output


@pytest.fixture
def demo_port_taken(tmp_path: Path) -> Iterator[tuple[int, str]]:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        others = free_ports(3)
        result = subprocess.run(
            [
                *DEMO,
                "--data-dir",
                str(tmp_path / "data"),
                "--ports",
                f"gateway={others[0]},ls={port},bn={others[1]},zm={others[2]}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "COLUMNS": "200"},
        )
    assert result.returncode == 1
    assert not (tmp_path / "data").exists()  # failed before touching anything
    yield port, result.stdout + result.stderr
