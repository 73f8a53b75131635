# Trustdesk: `make run` serves the demo, `make test` runs everything CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest install install-test native browser mailserver bench clean messages catalogs

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

# gettext catalogs (src/trustdesk/i18n, docs/architecture.md "Languages"). `make messages` extracts
# every translatable string (babel.cfg: Python and the Jinja2 templates under src/trustdesk) into
# the template and merges it into each language's .po, for translators; `make catalogs` compiles
# each .po to its .mo (gitignored), which run and pytest do, so a fresh clone needs no extra step.
LOCALES := src/trustdesk/locale
CATALOG_SOURCES := $(wildcard $(LOCALES)/*/LC_MESSAGES/trustdesk.po)
CATALOGS := $(CATALOG_SOURCES:.po=.mo)

messages: install
	$(BIN)/pybabel extract -F babel.cfg --no-wrap --no-location --sort-output --project Trustdesk \
		--copyright-holder Trustdesk -o $(LOCALES)/trustdesk.pot src/trustdesk
	$(BIN)/pybabel update -D trustdesk -i $(LOCALES)/trustdesk.pot -d $(LOCALES) --no-wrap \
		--no-fuzzy-matching --ignore-obsolete
	@$(MAKE) --no-print-directory catalogs

catalogs: $(CATALOGS)

$(LOCALES)/%/LC_MESSAGES/trustdesk.mo: $(LOCALES)/%/LC_MESSAGES/trustdesk.po | $(VENV)/.installed
	$(BIN)/pybabel compile -D trustdesk -l $* -i $< -o $@

run: install native catalogs
	$(BIN)/trustdesk db upgrade
	$(BIN)/trustdesk demo
	$(BIN)/trustdesk serve --host $(HOST) --port $(PORT)

browser:
	@scripts/ensure-browser.sh

# Mailbox tests (tests/mailboxes) run Debian's Dovecot on loopback with a throw-away configuration.
mailserver:
	@scripts/ensure-dovecot.sh

lint: install-test
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: install-test
	$(BIN)/mypy

# Two workers (pytest-xdist), each test file on one worker so its module fixtures (servers, browsers)
# are built once; PYTEST_WORKERS=0 runs everything in one process.
PYTEST_WORKERS ?= 2
pytest: install-test native browser mailserver catalogs
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

test: lint typecheck pytest

# Every benchmark's smoke profile (smaller samples, fewer repetitions, the same code paths), about
# 1.5 minutes of CPU (bench/run_all.py); the full-size command of each area, and its reference
# figures, are in docs/performance.md.
bench: install-test native catalogs
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info src/trustdesk/_native .pytest_cache .mypy_cache .ruff_cache
	rm -f $(CATALOGS) $(LOCALES)/trustdesk.pot
