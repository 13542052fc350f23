"""A small real HTTP server on 127.0.0.1 for faking external platforms, with faults on demand.

Subclasses implement `handle(request) -> Reply` and `error_reply(status, message)` in the
platform's own error format. The server runs in a background thread (`with Fake() as fake:`),
a thread per connection (16+ concurrent clients), starts in a few milliseconds, and records
every request with its arrival time (`time.monotonic()`).

Faults, checked in this order for every request:
- `stop()` / `with fake.down():` the port refuses connections (records are kept; `start()`
  listens again on the same port);
- `hang()`: requests wait (past any client timeout) until `heal()`, then are handled normally,
  like a platform that applies a credit after the client gave up; on `stop()` they are dropped;
- `rate_limit(retry_after)`: 429 with `Retry-After`;
- `fail_next(n)` / `fail(rate, seed)`: 500, before handling or (`after_apply=True`) after
  handling, i.e. the platform did the work but the answer was lost.
`heal()` clears every fault; `stop()` also ends a hang (the hung requests are dropped).
`GET /_fake/state` answers what the fake holds (credits…), never faulted, for a fake run in
another process (`python -m tests.fakes koios --fail 0.3`).
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes
    at: float
    """`time.monotonic()` when the request arrived."""

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {key: values[-1] for key, values in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeServer:
    def __init__(self, *, seed: int = 0) -> None:
        self.requests: list[RecordedRequest] = []
        self.lock = threading.RLock()
        self._rng = random.Random(seed)
        self._port = 0
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._released = threading.Event()
        self._released.set()
        self._generation = 0
        self._hang_seconds = 0.0
        self._retry_after: int | None = None
        self._fail_next = 0
        self._failure_rate = 0.0
        self._fail_after_apply = False

    # -- for subclasses ---------------------------------------------------------------------

    def handle(self, request: RecordedRequest) -> Reply:
        raise NotImplementedError

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"error": message})

    def state(self) -> dict[str, Any]:
        """What `GET /_fake/state` shows (for a fake run in another process), never faulted."""
        return {"requests": len(self.requests)}

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if not self._port:
            raise RuntimeError("start the fake server first")
        return f"http://127.0.0.1:{self._port}"

    def start(self, port: int | None = None) -> Self:
        """Listen on `port`, else a free port the first time and the same port after `stop`."""
        if self._httpd is not None:
            return self
        if port is not None:
            self._port = port
        self._generation += 1
        httpd = _Server(("127.0.0.1", self._port), _Handler)
        httpd.fake = self
        self._port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and cut open connections: clients now get 'connection refused'."""
        if self._httpd is None:
            return
        with self.lock:
            self._generation += 1
            self._released.set()  # hung requests wake up and are dropped
        self._httpd.shutdown()
        self._httpd.server_close()
        with self.lock:
            connections = list(self._connections)
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join()
        self._httpd, self._thread = None, None

    @contextmanager
    def down(self) -> Iterator[None]:
        self.stop()
        try:
            yield
        finally:
            self.start()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- faults -----------------------------------------------------------------------------

    def fail(self, rate: float, *, seed: int | None = None, after_apply: bool = False) -> None:
        """Answer 500 to a `rate` fraction of requests, drawn from a seeded RNG."""
        with self.lock:
            self._failure_rate = rate
            self._fail_after_apply = after_apply
            if seed is not None:
                self._rng = random.Random(seed)

    def fail_next(self, count: int = 1, *, after_apply: bool = False) -> None:
        with self.lock:
            self._fail_next = count
            self._fail_after_apply = after_apply

    def hang(self, seconds: float = 30.0) -> None:
        """Hold requests for up to `seconds` (or until `heal()`), then handle them."""
        with self.lock:
            self._hang_seconds = seconds
            self._released.clear()

    def rate_limit(self, retry_after: int = 60) -> None:
        with self.lock:
            self._retry_after = retry_after

    def heal(self) -> None:
        """Clear every fault; hung requests go on."""
        with self.lock:
            self._failure_rate = 0.0
            self._fail_next = 0
            self._retry_after = None
            self._hang_seconds = 0.0
            self._released.set()

    def requests_to(self, path_prefix: str, method: str | None = None) -> list[RecordedRequest]:
        with self.lock:
            return [
                request
                for request in self.requests
                if request.path.startswith(path_prefix) and method in (None, request.method)
            ]

    # -- dispatch ---------------------------------------------------------------------------

    def respond(self, request: RecordedRequest) -> Reply | None:
        """The answer to `request` with faults applied; None drops the connection."""
        if request.method == "GET" and request.path == "/_fake/state":
            with self.lock:
                return Reply(200, self.state())
        with self.lock:
            self.requests.append(request)
            hang = self._hang_seconds if not self._released.is_set() else 0.0
            retry_after = self._retry_after
            failing = self._fail_next > 0 or self._rng.random() < self._failure_rate
            if self._fail_next > 0:
                self._fail_next -= 1
            after_apply = self._fail_after_apply
            generation = self._generation
        if hang:
            self._released.wait(hang)
            if self._generation != generation:
                return None
        if retry_after is not None:
            reply = self.error_reply(429, "Too Many Requests")
            reply.headers["Retry-After"] = str(retry_after)
            return reply
        if failing and not after_apply:
            return self.error_reply(500, "Internal Server Error")
        try:
            reply = self.handle(request)
        except (ValueError, KeyError, TypeError) as error:
            reply = self.error_reply(400, f"bad request: {error}")
        if failing:
            return self.error_reply(500, "Internal Server Error")
        return reply


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    fake: FakeServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.fake.lock:
            self.server.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.fake.lock:
            self.server.fake._connections.discard(self.connection)
        with suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = RecordedRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            at=time.monotonic(),
        )
        reply = self.server.fake.respond(request)
        if reply is None:
            self.close_connection = True
            return
        payload = json.dumps(reply.body).encode() if reply.body is not None else b""
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up (timeout) or the fake was stopped
            self.close_connection = True
