"""The portal's API client against the real OpenAPI documents: every operation it names in
`frontend/src/api/paths.json` exists (method, path, query parameters) in the gateway's or the
country API's schema, and its permission matrix is the platform's."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from country_api.main import create_app as create_country_app
from country_api.resources import CountryResources
from federation_gateway.config import Settings as GatewaySettings
from federation_gateway.main import create_app as create_gateway_app
from gridcare.core.roles import Permission, roles_with
from tests.support.countries import country_settings

FRONTEND = Path(__file__).resolve().parents[2] / "frontend" / "src"
UNUSED_DATABASE = "postgresql://nobody@127.0.0.1:1/never-connected"


def operations(kind: str) -> dict[str, str]:
    data: dict[str, dict[str, str]] = json.loads((FRONTEND / "api" / "paths.json").read_text())
    return data[kind]


def parse(spec: str) -> tuple[str, str, list[str]]:
    method, target = spec.split(" ")
    path, _, query = target.partition("?")
    return method.lower(), path, query.split("&") if query else []


@pytest.fixture(scope="module")
def country_schema() -> dict[str, Any]:
    settings = country_settings("ls", UNUSED_DATABASE)
    return create_country_app(CountryResources.build(settings)).openapi()


@pytest.fixture(scope="module")
def gateway_schema() -> dict[str, Any]:
    settings = GatewaySettings(gateway_database_url=UNUSED_DATABASE)
    return create_gateway_app(settings).openapi()


def check(schema: dict[str, Any], specs: dict[str, str]) -> list[str]:
    problems = []
    for name, spec in specs.items():
        method, path, query = parse(spec)
        operation = schema["paths"].get(path, {}).get(method)
        if operation is None:
            problems.append(f"{name}: {method.upper()} {path} is not in the OpenAPI document")
            continue
        known = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        problems += [f"{name}: no query parameter {q!r}" for q in query if q not in known]
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        used = set(re.findall(r"\{(\w+)\}", path))
        if used != declared:
            problems.append(f"{name}: path parameters {sorted(used)} != {sorted(declared)}")
    return problems


def test_every_country_operation_the_portal_calls_exists(country_schema: dict[str, Any]) -> None:
    specs = operations("country")
    assert len(specs) >= 20
    assert check(country_schema, specs) == []


def test_every_gateway_operation_the_portal_calls_exists(gateway_schema: dict[str, Any]) -> None:
    assert check(gateway_schema, operations("gateway")) == []


def test_the_check_catches_a_wrong_path_or_parameter(country_schema: dict[str, Any]) -> None:
    wrong = {"a": "GET /api/customer", "b": "GET /api/customers?query", "c": "POST /api/config"}
    assert len(check(country_schema, wrong)) == 3


def test_the_portal_permission_matrix_is_the_platforms() -> None:
    portal = json.loads((FRONTEND / "auth" / "permissions.json").read_text())
    platform = {str(p): sorted(str(r) for r in roles_with(p)) for p in Permission}
    assert {k: sorted(v) for k, v in portal.items()} == platform
