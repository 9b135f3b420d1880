# Mediahub & Muurkrant. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run serve test lint format pytest bench audit test-scale clean

help: ## show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# Node packages the tests use (axe-core and others); reinstalled only when the manifests change.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed ## create .venv and node_modules with everything run and test need (idempotent)

run: $(VENV)/.installed ## migrate, load the demo, serve on HOST:PORT (127.0.0.1:8000) with the queue worker
	$(PY) bin/run.py

lint: install ## ruff check and format check; apps import one way (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

format: install ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

pytest: install ## the test suite alone (PYTEST_ARGS to pass options)
	$(PY) manage.py makemigrations --check --dry-run --settings=mediahub.settings.test
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint pytest ## install, lint, run every test (browser tests included)

bench: install ## measure speed as in-run ratios; writes bench/results.json
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) bench/run.py

# Asks PyPI's vulnerability data about every installed package; --strict fails when a package
# cannot be checked (no network, a private index), so silence never passes for a clean bill.
audit: install ## check the installed Python packages for known vulnerabilities (pip-audit)
	$(PY) -m pip install --quiet -e ".[audit]"
	$(VENV)/bin/pip-audit --strict --skip-editable --progress-spinner off

# Not part of `make test`: needs DATABASE_URL (PostgreSQL) and REDIS_URL, as .ci/run provides.
test-scale: install ## two queue workers on shared PostgreSQL + Redis (see tests/scale)
	$(PY) -m pytest -o addopts="-ra --strict-markers" -s tests/scale $(PYTEST_ARGS)

clean: ## remove the venv, the local database and caches
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* .pytest_cache .ruff_cache .import_linter_cache
