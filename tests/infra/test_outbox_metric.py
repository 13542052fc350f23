"""The credit outbox alarm watches the metric its log filter makes from the line the outbox logs."""

from __future__ import annotations

import json
import re
from typing import Any

from country_api.payments.backlog import METRIC_NAME, Backlog
from tests.infra.terraform_config import TERRAFORM, TerraformDir, expression, load_dir

COUNTRY = load_dir((TERRAFORM / "modules" / "country").resolve())
LOCAL = re.compile(r"\$\{local\.(\w+)\}")


def resource(directory: TerraformDir, kind: str, name: str) -> dict[str, Any]:
    found = [
        block[kind][name]
        for parsed in directory.blocks
        for block in parsed.get("resource", [])
        if name in block.get(kind, {})
    ]
    assert len(found) == 1, f"{kind}.{name} declared {len(found)} times"
    body: dict[str, Any] = found[0]
    return body


def resolved(text: str) -> str:
    """`${local.x}` replaced by the module's (constant) local x."""
    return LOCAL.sub(lambda match: str(COUNTRY.locals[match.group(1)]), str(text))


FILTER = resource(COUNTRY, "aws_cloudwatch_log_metric_filter", "credit_outbox_backlog")
ALARM = resource(COUNTRY, "aws_cloudwatch_metric_alarm", "credit_outbox_backlog")
[TRANSFORM] = FILTER["metric_transformation"]


def test_the_filter_reads_the_api_and_worker_log_groups() -> None:
    # Whichever of the two runs the credit outbox, its line is counted.
    assert expression(FILTER["log_group_name"]) == "each.value"
    assert {k: expression(v) for k, v in FILTER["for_each"].items()} == {
        "api": "module.api.log_group_name",
        "worker": "module.worker.log_group_name",
    }
    for service in ("api", "worker"):
        assert COUNTRY.modules[service]["source"] == "../service"
        assert "log_group_name" in COUNTRY.module_dir(service).outputs


def test_the_filter_turns_the_logged_line_into_the_metric() -> None:
    line = {
        "metric": METRIC_NAME,
        "country": "LS",
        **Backlog(pending=7, dead=1, oldest_pending_seconds=60).model_dump(),
    }
    assert json.loads(json.dumps(line)) == line  # the line is JSON, as a JSON filter requires
    pattern = resolved(FILTER["pattern"])
    match = re.fullmatch(r'\{ \$\.(\w+) = "(\w+)" \}', pattern)
    assert match, pattern
    assert line[match.group(1)] == match.group(2)
    assert resolved(TRANSFORM["name"]) == METRIC_NAME
    assert TRANSFORM["value"] == "$.pending"
    assert TRANSFORM["dimensions"] == {"Country": "$.country"}
    assert "default_value" not in TRANSFORM  # AWS refuses a default with dimensions
    for selector in (TRANSFORM["value"], *TRANSFORM["dimensions"].values()):
        assert selector.removeprefix("$.") in line, f"{selector} is not in the logged line"


def test_the_alarm_watches_the_metric_the_filter_produces() -> None:
    assert resolved(ALARM["namespace"]) == resolved(TRANSFORM["namespace"]) == "GridCare/CountryApi"
    assert resolved(ALARM["metric_name"]) == resolved(TRANSFORM["name"])
    assert set(ALARM["dimensions"]) == set(TRANSFORM["dimensions"])
    # The line's country is the country file's `code`, which the root passes as var.code.
    assert expression(ALARM["dimensions"]["Country"]) == "var.code"
    assert expression(load_dir(TERRAFORM).modules["country"]["code"]) == "each.value.code"
