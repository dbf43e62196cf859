# goldenthread — the project's vocabulary. Quick start: `make run`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NHSUK_CSS := build/assets/nhsuk/nhsuk-frontend.min.css
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run test test-sqlite test-postgres check lint format typecheck contracts system-deps demo migrate bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: $(STAMP) node_modules/.installed $(NHSUK_CSS) ## the set-up every other target uses: .venv, the package, front-end assets

# constraints.txt pins every Python package at the version tested (README, Quick start).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

# The NHS.UK stylesheet built from nhsuk-frontend's Sass without the remote font (assets/nhsuk-frontend.scss).
$(NHSUK_CSS): assets/nhsuk-frontend.scss node_modules/.installed
	npm run --silent build:css

migrate: install ## create or upgrade the database tables
	$(BIN)/goldenthread migrate

demo: migrate ## load the demo plans, data and accounts (safe to run again)
	$(BIN)/goldenthread demo

# gunicorn (goldenthread serve), with the task worker beside it (goldenthread worker: e-mails,
# reminders on their schedule, background jobs); it stops when the server stops.
run: demo ## set up, load the demo and serve with gunicorn and the task worker on http://127.0.0.1:8000
	@echo "Sign in at http://$(HOST):$(PORT)/accounts/login/ with a demo account above."
	$(BIN)/goldenthread serve --host $(HOST) --port $(PORT)

# Debian packages the tests need: PostgreSQL (a throwaway cluster) and Chromium (browser tests).
system-deps: ## install the Debian packages the tests need, when missing (as root)
	@scripts/system-deps.sh

# The guards: lint, types and the architecture contracts. Each is a target of its own and all
# run in `make test`, before the suite.
lint: install ## ruff (E, F, W, I, B, UP, C90) and the formatter check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install ## reformat the code and fix what ruff can fix
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

typecheck: install ## mypy: strict on the engines, django-stubs on the apps
	$(BIN)/mypy --strict src/goldenthread/planfile src/goldenthread/assurance src/goldenthread/formatting.py src/goldenthread/progress.py
	$(BIN)/mypy src/goldenthread

contracts: install ## the import contracts in .importlinter (layers, engines without Django, no circles)
	$(BIN)/lint-imports

check: lint typecheck contracts ## all three guards

test: install system-deps check ## the guards, then the whole suite on SQLite and on PostgreSQL
	scripts/run-tests.sh

test-sqlite: install ## the suite on SQLite only
	scripts/run-tests.sh sqlite

test-postgres: install system-deps ## the suite on a throwaway PostgreSQL only
	scripts/run-tests.sh postgres

bench: install ## the benchmarks in bench/, printing their figures
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean: ## remove the virtual environment, node_modules and var/
	rm -rf $(VENV) node_modules var test-artifacts build/assets
