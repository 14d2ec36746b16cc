# Decision Tracker: `make run` to try it, `make test` before every push.
# Both set up .venv on first use; later runs reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint test-sqlite test-e2e test-postgres bench migration messages

run: $(STAMP)
	$(BIN)/tracker run

# ruff and mypy first, then the whole suite on SQLite, the end-to-end tests in headless
# Chromium, then the integration tests on a throwaway PostgreSQL cluster (it fails, never
# skips, when PostgreSQL cannot start).
# Two pytest workers (pytest-xdist): each has its own database, cluster and servers; many
# tests wait on real processes (workers, redis, SMTP), so two halve the time on two cores.
test: lint test-sqlite test-e2e test-postgres

lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy

test-sqlite: $(STAMP)
	$(BIN)/pytest tests -n 2 --ignore=tests/e2e

# A real headless Chromium (Debian's package) against a served `tracker run` with the demo;
# it fails, never skips, when Chromium is missing. Rewrites docs/screenshots/*.png.
test-e2e: $(STAMP)
	$(BIN)/pytest tests/e2e -p no:cacheprovider

test-postgres: $(STAMP)
	TRACKER_TEST_DB=postgres $(BIN)/pytest tests/integration -n 2 -p no:cacheprovider

# Speed figures, each beside a baseline measured in the same run (see tests/bench/).
bench: $(STAMP)
	$(BIN)/python -m tests.bench

# A new migration from the difference between the tables and the migrations so far.
migration: $(STAMP)
	PICCOLO_CONF=tracker.piccolo_conf $(BIN)/piccolo migrations new tracker --auto

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

# Re-extract the translatable strings and merge them into the catalogs; then translate the new
# entries in translations/en/LC_MESSAGES/messages.po (and the ru plural forms, if any).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --project="Decision Tracker" -o translations/messages.pot --width=100 .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width=100
