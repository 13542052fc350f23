"""JSON log lines: the shape, the request id, exceptions, uvicorn, the bare metric line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from gridcare.core.observability import install_observability
from gridcare.core.observability.logs import (
    JsonLogFormatter,
    JsonStdoutHandler,
    configure_logging,
)

FIELDS = ["time", "level", "logger", "message", "service", "country", "request_id"]


@pytest.fixture
def configured() -> Iterator[logging.Handler]:
    """`configure_logging` as a service's entry point calls it, undone afterwards."""
    root = logging.getLogger()
    level = root.level
    uvicorn = logging.getLogger("uvicorn.error")
    state = (list(uvicorn.handlers), uvicorn.propagate, uvicorn.level)
    httpx_level = logging.getLogger("httpx").level
    handler = configure_logging("country_api", "LS")
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        uvicorn.handlers[:], uvicorn.propagate, uvicorn_level = state
        uvicorn.setLevel(uvicorn_level)
        logging.getLogger("httpx").setLevel(httpx_level)


def json_lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_a_line_is_one_json_object_with_the_fields_in_order(
    configured: logging.Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    logging.getLogger("country_api.test").info("paid %s", "0252SHG", extra={"amount": "100.00"})
    [line] = json_lines(capsys.readouterr().out)
    assert list(line)[: len(FIELDS)] == FIELDS
    assert line["level"] == "INFO"
    assert line["logger"] == "country_api.test"
    assert line["message"] == "paid 0252SHG"
    assert (line["service"], line["country"], line["request_id"]) == ("country_api", "LS", None)
    assert line["amount"] == "100.00"
    assert str(line["time"]).endswith("+00:00")  # ISO 8601, UTC


def test_an_exception_is_one_line_with_its_traceback(
    configured: logging.Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    try:
        raise ValueError("bad amount")
    except ValueError:
        logging.getLogger("country_api.test").exception("ingest failed")
    out = capsys.readouterr().out
    [line] = json_lines(out)
    assert len(out.strip().splitlines()) == 1
    assert line["message"] == "ingest failed"
    assert line["level"] == "ERROR"
    assert "ValueError: bad amount" in str(line["exception"])
    assert list(line)[-1] == "exception"


def test_uvicorn_lines_come_out_as_json(
    configured: logging.Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 1, extra={})
    [line] = json_lines(capsys.readouterr().out)
    assert (line["logger"], line["message"]) == ("uvicorn.error", "Started server process [1]")
    assert "color_message" not in line


def test_a_line_per_outgoing_http_call_is_left_to_the_access_line(
    configured: logging.Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    logging.getLogger("httpx").info("HTTP Request: GET http://ls.test/api/config")
    logging.getLogger("httpx").warning("something worth reading")
    assert [line["message"] for line in json_lines(capsys.readouterr().out)] == [
        "something worth reading"
    ]


def test_the_backlog_metric_line_stays_bare_and_single(
    configured: logging.Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    from country_api.payments.backlog import metric_logger

    capsys.readouterr()
    metric_logger().info(json.dumps({"metric": "CreditOutboxBacklog", "pending": 0}))
    out = [line for line in capsys.readouterr().out.splitlines() if "CreditOutbox" in line]
    assert out == ['{"metric": "CreditOutboxBacklog", "pending": 0}']


def test_configuring_again_replaces_the_handler(configured: logging.Handler) -> None:
    again = configure_logging("country_api", "LS")
    try:
        ours = [h for h in logging.getLogger().handlers if isinstance(h, JsonStdoutHandler)]
        assert ours == [again]
    finally:
        logging.getLogger().removeHandler(again)


async def test_lines_logged_in_a_request_carry_its_id() -> None:
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    capture = Capture()
    capture.setFormatter(JsonLogFormatter(service="federation_gateway"))
    logger = logging.getLogger("tests.in_request")
    logger.addHandler(capture)
    logger.setLevel(logging.INFO)
    app = FastAPI()
    install_observability(app, service="test")

    @app.get("/work")
    async def work() -> dict[str, bool]:
        logger.info("working")
        return {"ok": True}

    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            await client.get("/work", headers={"X-Request-ID": "req-7"})
    finally:
        logger.removeHandler(capture)
    [line] = [json.loads(text) for text in records]
    assert (line["message"], line["request_id"]) == ("working", "req-7")
    assert (line["service"], line["country"]) == ("federation_gateway", None)
