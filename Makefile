# Trustdesk: `make run` serves the demo, `make test` runs everything CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest install install-test native browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-native: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[native]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# The guard and verification packages compiled with mypyc (src/trustdesk/native.py). Rebuilt only
# when their sources changed; without a C compiler they run as pure Python (slower, same results).
native: $(VENV)/.installed-native
	@$(BIN)/python scripts/build_native.py --quiet || \
		echo "warning: native build failed; the guard and verification run as pure Python" >&2

run: install native
	$(BIN)/trustdesk db upgrade
	$(BIN)/trustdesk demo
	$(BIN)/trustdesk serve --host $(HOST) --port $(PORT)

browser:
	@scripts/ensure-browser.sh

lint: install-test
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: install-test
	$(BIN)/mypy

pytest: install-test native browser
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

bench: install-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@echo "run a benchmark with: $(BIN)/python bench/<area>.py (see docs/performance.md)"

clean:
	rm -rf $(VENV) build dist src/*.egg-info src/trustdesk/_native .pytest_cache .mypy_cache .ruff_cache
