# Trustdesk: `make run` serves the demo, `make test` runs everything CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest install install-test browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/trustdesk db upgrade
	$(BIN)/trustdesk demo
	$(BIN)/trustdesk serve --host $(HOST) --port $(PORT)

browser:
	@scripts/ensure-browser.sh

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-test
	$(BIN)/mypy

pytest: install-test browser
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

bench: install-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@echo "run a benchmark with: $(BIN)/python bench/<area>.py (see docs/performance.md)"

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
