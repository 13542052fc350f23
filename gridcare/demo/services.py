"""The demo's services as child processes, one per service as in production.

Each child runs `gridcare serve …` in its own session, so a Ctrl-C in the terminal reaches only
the demo, which then stops the children in order. On Linux each child also gets the kernel's
parent-death signal, so a demo that is killed outright (SIGKILL) still takes its children along.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PR_SET_PDEATHSIG = 1
STOP_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    """Short name used in output and in `--ports` (`gateway`, `ls`)."""
    title: str
    port: int
    args: list[str]
    """`gridcare` arguments, e.g. ["serve", "country", "--country", "ls", "--port", "8101"]."""
    env: dict[str, str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Service:
    spec: ServiceSpec
    process: subprocess.Popen[str]
    exit_reported: bool = False
    output_thread: threading.Thread | None = field(default=None, repr=False)
    restarts: int = 0
    """How often the supervisor has started it again after it died."""
    restart_at: float | None = None
    """When (monotonic) the supervisor starts it again; None while it runs."""

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


class PortTaken(Exception):
    def __init__(self, spec: ServiceSpec) -> None:
        super().__init__(
            f"port {spec.port} for the {spec.title} is already in use: stop what listens there,"
            f" or pick other ports with --ports {spec.name}=PORT"
        )
        self.spec = spec


def check_ports_free(specs: list[ServiceSpec]) -> None:
    """Fail before doing any work when a port is taken (bound the way uvicorn binds it)."""
    for spec in specs:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", spec.port))
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    raise PortTaken(spec) from None
                raise


def gridcare_command() -> list[str]:
    """How to run `gridcare` with this interpreter (the venv's script, else via `-c`)."""
    script = shutil.which("gridcare", path=str(Path(sys.executable).parent))
    if script:
        return [script]
    return [sys.executable, "-c", "import sys; from gridcare.cli import app; sys.exit(app())"]


def _parent_death_signal() -> Callable[[], None] | None:
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before fork: the child only calls it

    def arm() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return arm


def _spawn(spec: ServiceSpec) -> subprocess.Popen[str]:
    env = {**os.environ, **spec.env, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [*gridcare_command(), *spec.args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
        preexec_fn=_parent_death_signal(),  # only a prctl call, prepared before forking
    )


def _follow(service: Service, on_output: Callable[[ServiceSpec, str], None]) -> None:
    service.output_thread = threading.Thread(target=_relay, args=(service, on_output), daemon=True)
    service.output_thread.start()


def start_services(
    specs: list[ServiceSpec],
    on_output: Callable[[ServiceSpec, str], None],
    services: list[Service],
) -> None:
    """Start each service, appending it to `services` at once (so an interrupt can stop it)."""
    for spec in specs:
        services.append(Service(spec, _spawn(spec)))
    for service in services:  # reader threads only once every child is forked
        _follow(service, on_output)


def restart_delay(restarts: int) -> float:
    """Seconds before restarting a service that died for the `restarts + 1`-th time: 1, 2, 4 …
    up to 30, as an orchestrator's backoff would."""
    return float(min(30, 2**restarts))


def restart_service(service: Service, on_output: Callable[[ServiceSpec, str], None]) -> None:
    """Start the service's command again in place of the process that died."""
    if service.output_thread is not None:
        service.output_thread.join(timeout=1.0)
    service.process = _spawn(service.spec)
    service.restarts += 1
    service.restart_at = None
    service.exit_reported = False
    _follow(service, on_output)


def _relay(service: Service, on_output: Callable[[ServiceSpec, str], None]) -> None:
    assert service.process.stdout is not None
    for line in service.process.stdout:
        on_output(service.spec, line.rstrip("\n"))


def healthy(spec: ServiceSpec, client: httpx.Client) -> bool:
    try:
        return client.get(f"{spec.url}/health").status_code == 200
    except httpx.HTTPError:
        return False


def wait_until_healthy(services: list[Service], timeout: float) -> list[Service]:
    """Wait for every service's /health to answer 200; return those that died or never did."""
    pending = list(services)
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        while pending and time.monotonic() < deadline:
            dead = [service for service in pending if not service.alive]
            if dead:
                return dead
            pending = [service for service in pending if not healthy(service.spec, client)]
            if pending:
                time.sleep(0.3)
    return pending


def stop_services(services: list[Service], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM every child (its whole session), then SIGKILL what is left after `grace`."""
    for service in services:
        _signal(service, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for service in services:
        with contextlib.suppress(subprocess.TimeoutExpired):
            service.process.wait(max(0.0, deadline - time.monotonic()))
    for service in services:
        if service.alive:
            _signal(service, signal.SIGKILL)
            service.process.wait()
    for service in services:
        if service.output_thread is not None:
            service.output_thread.join(timeout=1.0)


def _signal(service: Service, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(service.process.pid, signum)


@contextlib.contextmanager
def running_services(
    specs: list[ServiceSpec], on_output: Callable[[ServiceSpec, str], None]
) -> Iterator[list[Service]]:
    services: list[Service] = []
    try:
        start_services(specs, on_output, services)
        yield services
    finally:
        stop_services(services)
