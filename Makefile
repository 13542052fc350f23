# The two commands: `make demo` (whole platform with demo data) and `make test` (whole suite).
# Both install what they need; uv comes from pip into .tools/ when the machine has none.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: demo test lint typecheck pytest frontend bench clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

demo: .venv/.synced
	$(UV) run gridcare demo

test: .venv/.synced lint typecheck pytest

lint: .venv/.synced
	$(UV) run ruff check .
	$(UV) run ruff format --check .

typecheck: .venv/.synced
	$(UV) run mypy

pytest: .venv/.synced
	$(UV) run pytest

bench: .venv/.synced
	$(UV) run python -m bench

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
