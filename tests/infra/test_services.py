"""Every ECS service runs the one GridCare image; a country runs its API and its workers apart."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.infra.terraform_config import (
    TERRAFORM,
    all_dirs,
    check_value,
    expression,
    load_dir,
    object_type_keys,
)
from tests.infra.test_dockerfile import stages

ROOT = load_dir(TERRAFORM)
COUNTRY = ROOT.module_dir("country")
SERVICE = COUNTRY.module_dir("api")
SERVICE_CALLS = [
    (directory, name, call)
    for directory in all_dirs()
    for name, call in directory.modules.items()
    if call["source"] == "../service"
]
LOAD_BALANCER_RESOURCES = {
    "aws_vpc_security_group_ingress_rule.from_load_balancer",
    "aws_lb_target_group.service",
    "aws_lb_listener_rule.host",
    "aws_route53_record.service",
    "aws_cloudwatch_metric_alarm.error_rate",
}


def resources(directory: Any) -> dict[str, dict[str, Any]]:
    return {
        f"{kind}.{name}": body
        for parsed in directory.blocks
        for block in parsed.get("resource", [])
        for kind, instances in block.items()
        for name, body in instances.items()
    }


@pytest.mark.parametrize(
    ("name", "call"), [(n, c) for _, n, c in SERVICE_CALLS], ids=[n for _, n, _ in SERVICE_CALLS]
)
def test_commands_are_arguments_to_the_image_entrypoint(name: str, call: dict[str, Any]) -> None:
    (entrypoint,) = [a for k, a in stages()[-1] if k == "ENTRYPOINT"]
    assert json.loads(entrypoint) == ["gridcare"]
    assert call["command"][0] in {"serve", "worker"}, "the ENTRYPOINT already says gridcare"
    assert expression(call["container_image"]) == "var.container_image"
    # The command listens where ECS checks health (the API's port comes from its country file).
    if "--port" in call["command"]:
        port = call["command"][call["command"].index("--port") + 1]
        assert expression(port) == f"tostring({expression(call['container_port'])})"


def test_the_country_runs_its_api_and_its_workers_as_two_services() -> None:
    api, worker = COUNTRY.modules["api"], COUNTRY.modules["worker"]
    listen = ["--host", "0.0.0.0"]  # noqa: S104  (inside its task, behind the load balancer)
    assert api["command"] == ["serve", "country", "--country", "${local.slug}", *listen]
    assert worker["command"][:3] == ["worker", "--country", "${local.slug}"]
    assert expression(worker["container_port"]) == "var.worker_port"
    # Same country, same secrets and environment; no load balancer or DNS name for workers.
    for argument in ("environment_variables", "secrets", "secrets_kms_key_arn", "platform"):
        assert api[argument] == worker[argument], argument
    assert "host_name" in api and "host_name" not in worker and "dns_zone_id" not in worker
    # Scaled on their own: their own count and ceiling, the API's untouched.
    assert expression(worker["desired_count"]) == "var.worker_desired_count"
    assert expression(worker["max_count"]) == "var.worker_max_count"
    assert "max_count" not in api
    assert (api["name"], worker["name"]) == ("${local.name}", "${local.name}-worker")


def test_without_a_host_name_a_service_has_no_load_balancer() -> None:
    declared = resources(SERVICE)
    for address in LOAD_BALANCER_RESOURCES:
        assert expression(declared[address]["count"]) == "local.load_balanced ? 1 : 0", address
    assert expression(SERVICE.locals["load_balanced"]) == "var.host_name != null"
    service = declared["aws_ecs_service.service"]
    assert expression(service["dynamic"][0]["load_balancer"]["for_each"]) == (
        "aws_lb_target_group.service"
    )
    assert SERVICE.variables["host_name"]["default"] is None


def test_every_service_checks_its_own_health_inside_the_task() -> None:
    task = resources(SERVICE)["aws_ecs_task_definition.service"]
    definition = str(task["container_definitions"])
    assert "healthCheck" in definition and "local.health_url" in definition
    assert "PORT" in definition  # what the image's HEALTHCHECK reads
    health_url = SERVICE.locals["health_url"]
    assert health_url == "http://127.0.0.1:${var.container_port}${var.health_check_path}"


def test_autoscaling_owns_the_running_count() -> None:
    declared = resources(SERVICE)
    target = declared["aws_appautoscaling_target.service"]
    assert expression(target["min_capacity"]) == "var.desired_count"
    assert expression(target["max_capacity"]) == "local.max_count"
    assert "desired_count" in str(declared["aws_ecs_service.service"]["lifecycle"])
    policy = declared["aws_appautoscaling_policy.cpu"]
    assert "ECSServiceAverageCPUUtilization" in str(policy)


def test_country_sizing_defaults_and_overrides_agree() -> None:
    defaults = ROOT.locals["default_country_sizing"]
    overrides = object_type_keys(str(ROOT.variables["country_overrides"]["type"]))
    assert set(defaults) == overrides
    assert defaults["worker_max_count"] >= defaults["worker_desired_count"] >= 1
    for argument, service_variable in [
        ("worker_desired_count", "desired_count"),
        ("worker_max_count", "max_count"),
        ("desired_count", "desired_count"),
    ]:
        variable = SERVICE.variables[service_variable]
        assert not check_value(variable, service_variable, defaults[argument]), argument
        assert re.fullmatch(
            rf"local\.country_sizing\[each\.key\]\.{argument}",
            expression(ROOT.modules["country"][argument]),
        )
