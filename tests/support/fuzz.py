"""Schemathesis in-process against a GridCare app: bounded, deterministic, authenticated.

Each test module loads its app's OpenAPI document through a fixture
(`schemathesis.pytest.from_fixture`), so every operation becomes a subtest with its own cases:
the examples the document gives, schemathesis' coverage cases (boundaries, wrong types, NUL
bytes, missing fields…) and `MAX_EXAMPLES` random ones (positive and negative), in the same
order on every run (`derandomize`). A case fails on a server error (5xx, or the app raising),
on a status code the document does not list, and on an answer whose body does not match the
documented schema. `GRIDCARE_FUZZ_EXAMPLES=100` digs deeper locally.

`Tally` counts what was sent and answered; it prints one line at the end of the module, the
figures the fuzzing is reported with.
"""

from __future__ import annotations

import copy
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = int(os.environ.get("GRIDCARE_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is shown as found
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@dataclass
class Tally:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.operations)} operations, {self.cases} cases,"
            f" {len(self.server_errors)} server errors;"
            f" answers {dict(sorted(self.statuses.items()))}"
        )


def exercise(case: Case, *, app: Any, headers: dict[str, str], tally: Tally) -> None:
    """Send `case` with `headers`, count it, and fail on a 5xx or an off-schema answer."""
    tally.operations.add(case.operation.label)
    tally.cases += 1
    try:
        response = case.call(headers=headers, app=app)
    except Exception as error:  # the app raised: a real server would have answered 500
        tally.statuses["5xx"] += 1
        tally.server_errors.append(f"{case.operation.label}: {type(error).__name__}")
        raise
    tally.statuses[f"{response.status_code // 100}xx"] += 1
    if response.status_code >= 500:
        tally.server_errors.append(f"{case.operation.label}: {response.status_code}")
    case.validate_response(response, checks=CHECKS, headers=headers, transport_kwargs={"app": app})


def with_examples(
    document: dict[str, Any], *, path: dict[str, Any], query: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A copy of an OpenAPI `document` whose parameters named in `path` (path parameters) or
    `query` (plain string query parameters) carry that example, so the examples phase also
    names rows that exist and periods that parse."""
    document = copy.deepcopy(document)
    examples = {"path": path, "query": query or {}}
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                chosen = examples.get(parameter.get("in"), {})
                if parameter["name"] in chosen and "format" not in str(parameter["schema"]):
                    parameter["example"] = chosen[parameter["name"]]
    return document
