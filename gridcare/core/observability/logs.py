"""Structured logs: one JSON object per line on stdout, for every GridCare service process.

`configure_logging(service, country)` is called once by the process entry point (`gridcare
serve country|gateway`, before uvicorn starts, with uvicorn told to leave logging alone). It puts
one JSON handler on the root logger and makes uvicorn's loggers propagate to it, so a line
reads:

    {"time": "2026-04-10T09:00:00.123456+00:00", "level": "INFO", "logger": "gridcare.access",
     "message": "GET /api/sites 200 3.1 ms", "service": "country_api", "country": "LS",
     "request_id": "5f0c…", "method": "GET", "route": "/api/sites", "status": 200, …}

with the request id of the request the code runs for (`requests.current_request_id()`; null in
workers), any `extra=` fields, and `exception` (the traceback text) when there is one.

Lines of the `gridcare.metrics` logger are left out: that logger prints its own bare JSON
line, which a CloudWatch metric filter reads (country_api/payments/backlog.py); wrapped again
they would be printed twice.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from gridcare.core.observability.requests import current_request_id

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
BARE_LOGGERS = ("gridcare.metrics",)
QUIET_LOGGERS = ("httpx", "httpcore")  # a line per outgoing request: the access line says it
FIRST_FIELDS = ("time", "level", "logger", "message", "service", "country", "request_id")


class JsonLogFormatter(JsonFormatter):
    """A record as one JSON object: `FIRST_FIELDS` first, then extras, then `exception`."""

    def __init__(self, *, service: str, country: str | None = None) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={
                "levelname": "level",
                "name": "logger",
                "exc_info": "exception",
                "stack_info": "stack",
            },
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],  # uvicorn's coloured copy
            timestamp="time",
        )
        self.service = service
        self.country = country

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data["service"] = self.service
        log_data["country"] = self.country
        log_data.setdefault("request_id", current_request_id())

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        ordered = {key: log_data.pop(key, None) for key in FIRST_FIELDS}
        tail: dict[str, Any] = {
            key: log_data.pop(key) for key in ("exception", "stack") if key in log_data
        }
        return {**ordered, **log_data, **tail}


class _SkipLoggers(logging.Filter):
    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__()
        self.names = names

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(record.name == n or record.name.startswith(f"{n}.") for n in self.names)


class JsonStdoutHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stdout` is at the time (test runners replace it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def json_handler(service: str, country: str | None = None) -> logging.Handler:
    handler = JsonStdoutHandler()
    handler.setFormatter(JsonLogFormatter(service=service, country=country))
    handler.addFilter(_SkipLoggers(BARE_LOGGERS))
    return handler


def configure_logging(
    service: str, country: str | None = None, *, level: int | str = logging.INFO
) -> logging.Handler:
    """Root and uvicorn loggers → one JSON object per line on stdout; returns the handler.

    Calling it again replaces the handler it installed before; other handlers stay.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, JsonStdoutHandler)]:
        root.removeHandler(old)
    handler = json_handler(service, country)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in UVICORN_LOGGERS:  # uvicorn sets their levels from its log_level afterwards
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)
        logger.propagate = True
        logger.disabled = False
    return handler
