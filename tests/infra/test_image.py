"""The image's install and start commands, run outside Docker (no engine runs in CI).

The project is installed as the Dockerfile's builder stage installs it, `uv sync --frozen
--no-dev --no-editable` into a fresh environment outside the checkout; then, from a working
directory that is not the checkout either, the environment's `gridcare` migrates throw-away
databases and serves the country API and the gateway as the image's commands do. Anything
still read from the source tree (country files, migrations, the portal) would show here.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.databases import DatabaseFactory
from tests.support.waiting import eventually_blocking

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PORTAL_INDEX = ROOT / "frontend" / "dist" / "index.html"  # `make test` builds it first
SHIPPED = "gridcare/core/shipped"


@dataclass(frozen=True)
class Installed:
    venv: Path
    workdir: Path  # outside the checkout: the process's current directory
    has_portal: bool  # frontend/dist was built when the wheel was

    def env(self, **variables: str) -> dict[str, str]:
        """Only what the image sets, plus `variables`: nothing from the test's environment."""
        return {
            "PATH": f"{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.workdir),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            **variables,
        }

    def gridcare(self, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "gridcare"), *args],
            cwd=self.workdir,
            env=self.env(**variables),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


def uv() -> str:
    """`uv run` names itself in UV; else uv on PATH, else the Makefile's .tools copy."""
    found = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    assert Path(found).exists(), "uv not found"
    return found


def uv_env(**variables: str) -> dict[str, str]:
    # VIRTUAL_ENV names the checkout's .venv under `uv run`; uv must not mistake it for ours.
    return {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"} | variables


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("image")
    venv, workdir = base / "venv", base / "work"
    workdir.mkdir()
    has_portal = PORTAL_INDEX.is_file()
    subprocess.run(
        [
            uv(),
            "sync",
            "--frozen",
            "--no-dev",
            "--no-editable",
            "--quiet",
            "--python",
            sys.executable,
        ],
        cwd=ROOT,
        env=uv_env(UV_PROJECT_ENVIRONMENT=str(venv)),
        check=True,
        timeout=300,
    )
    return Installed(venv, workdir, has_portal)


def test_the_wheel_ships_config_data_portal_and_migrations(tmp_path: Path) -> None:
    has_portal = PORTAL_INDEX.is_file()
    subprocess.run(
        [uv(), "build", "--wheel", "--quiet", "--out-dir", str(tmp_path)],
        cwd=ROOT,
        env=uv_env(),
        check=True,
        timeout=120,
    )
    (wheel,) = tmp_path.glob("gridcare-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for country in (ROOT / "config" / "countries").glob("*.yaml"):
        assert f"{SHIPPED}/config/countries/{country.name}" in names
    for data in (ROOT / "data").rglob("*"):
        if data.is_file():
            assert f"{SHIPPED}/{data.relative_to(ROOT)}" in names
    assert (f"{SHIPPED}/frontend/dist/index.html" in names) == has_portal
    for service in ("country_api", "federation_gateway"):
        migrations = ROOT / service / "migrations"
        for file in [migrations / "env.py", migrations / "script.py.mako"]:
            assert str(file.relative_to(ROOT)) in names
        for revision in (migrations / "versions").glob("*.py"):
            assert str(revision.relative_to(ROOT)) in names
    assert "federation_gateway/data/fx_monthly_usd.csv" in names
    assert not [name for name in names if name.startswith(("tests/", "frontend/", "config/"))]


def test_installed_paths_lie_inside_the_environment(installed: Installed) -> None:
    script = (
        "import json, sysconfig\n"
        "from gridcare.core import paths\n"
        "from country_api.migrate import MIGRATIONS as country\n"
        "from federation_gateway.migrate import MIGRATIONS as gateway\n"
        "print(json.dumps({'site': sysconfig.get_paths()['purelib'],"
        " 'config': str(paths.CONFIG_DIR), 'data': str(paths.DATA_DIR),"
        " 'portal': str(paths.FRONTEND_DIST),"
        " 'country': str(country), 'gateway': str(gateway)}))\n"
    )
    result = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", script],
        cwd=installed.workdir,
        env=installed.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    found = {name: Path(value) for name, value in json.loads(result.stdout).items()}
    site = found.pop("site")
    assert site.is_relative_to(installed.venv)
    for name, path in found.items():
        if name == "portal" and not installed.has_portal:
            continue
        assert path.is_relative_to(site) and path.exists(), f"{name}: {path}"
    assert found["config"] == site / SHIPPED / "config" / "countries"
    assert (found["config"] / "ls.yaml").is_file()


def test_country_api_migrates_and_answers_health(
    installed: Installed, databases: DatabaseFactory
) -> None:
    database = databases.create("image_ls")
    migrated = installed.gridcare(
        "db", "upgrade", "--country", "ls", GRIDCARE_DATABASE_URL=database
    )
    assert migrated.returncode == 0, migrated.stderr

    env = installed.env(
        GRIDCARE_DATABASE_URL=database,
        GRIDCARE_JWKS_URL="http://127.0.0.1:9/.well-known/jwks.json",  # only read per request
    )
    with serving(installed, ["serve", "country", "--country", "ls"], env) as (base, health):
        assert health.json() == {"status": "ok", "country": "LS", "database": "ok"}
        assert httpx.get(f"{base}/api/config").json()["name"] == "Lesotho"


def test_gateway_serves_the_portal(installed: Installed, databases: DatabaseFactory) -> None:
    database = databases.create("image_gateway")
    migrated = installed.gridcare("db", "upgrade", "--gateway", GRIDCARE_DATABASE_URL=database)
    assert migrated.returncode == 0, migrated.stderr

    env = installed.env(GRIDCARE_GATEWAY_DATABASE_URL=database)
    with serving(installed, ["serve", "gateway"], env) as (base, health):
        assert health.json()["database"] == "ok"
        if not installed.has_portal:
            pytest.skip(
                "frontend/dist was not built, so the wheel has no portal (make test builds it)"
            )
        index = httpx.get(f"{base}/")
        assert index.status_code == 200
        assert index.text == PORTAL_INDEX.read_text(encoding="utf-8")


@contextmanager
def serving(
    installed: Installed, command: list[str], env: dict[str, str]
) -> Iterator[tuple[str, httpx.Response]]:
    """Runs `gridcare <command> --port <free>` until /health answers 200; stops it with SIGTERM."""
    port = free_port()
    log = installed.workdir / f"{command[1]}-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(installed.venv / "bin" / "gridcare"), *command, "--port", str(port)],
            cwd=installed.workdir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        yield base, wait_healthy(base, process, log)
    finally:
        process.terminate()  # uvicorn shuts down gracefully on SIGTERM, as ECS stops a task
        try:
            code = process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
    # uvicorn finishes its shutdown, then re-raises SIGTERM: that exit status is the clean one.
    text = log.read_text(encoding="utf-8")
    assert code in {0, -signal.SIGTERM} and "Application shutdown complete" in text, text


def wait_healthy(
    base: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 40
) -> httpx.Response:
    answers: list[httpx.Response] = []

    def healthy() -> bool:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text(encoding='utf-8')}")
        try:
            answers.append(httpx.get(f"{base}/health", timeout=2))
        except httpx.TransportError:
            return False
        return answers[-1].status_code == 200

    eventually_blocking(
        healthy,
        within=timeout,
        every=0.1,
        message=lambda: f"a healthy answer from {base}:\n{log.read_text(encoding='utf-8')}",
    )
    return answers[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
