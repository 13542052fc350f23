# The two commands: `make demo` (whole platform with demo data) and `make test` (whole suite).
# Both install what they need; uv comes from pip into .tools/ when the machine has none.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: demo test lint architecture typecheck pytest frontend frontend-check infra-check chromium bench clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

demo: .venv/.synced frontend
	$(UV) run gridcare demo

test: .venv/.synced lint architecture typecheck frontend-check infra-check pytest

lint: .venv/.synced
	$(UV) run ruff check .
	$(UV) run ruff format --check .

# Import boundaries (import-linter contracts in pyproject.toml; the layers are written down in
# country_api/__init__.py) and declared dependencies against imported ones (deptry).
architecture: .venv/.synced
	$(UV) run lint-imports
	$(UV) run deptry .

typecheck: .venv/.synced
	$(UV) run mypy

pytest: .venv/.synced frontend chromium
	$(UV) run pytest

# Browser tests drive Debian's Chromium; install it when missing (needs root and apt).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Terraform checked statically: python-hcl2 in the tests, checkov (own venv, offline) here.
infra-check:
	bash infra/check.sh

bench: .venv/.synced
	$(UV) run python -m bench

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The portal's static build, served by the gateway at /. Rebuilt only when a source changed.
frontend: frontend/dist/index.html

frontend/dist/index.html: frontend/node_modules/.installed $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts
	cd frontend && npx vite build --logLevel warn

frontend-check: frontend/node_modules/.installed
	cd frontend && npx tsc --noEmit
	cd frontend && npx vitest run
	cd frontend && npx vite build --logLevel warn

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
