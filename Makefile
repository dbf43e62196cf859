# goldenthread — the project's vocabulary. Quick start: `make run`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-sqlite test-postgres system-deps serve demo migrate bench clean

install: $(STAMP) node_modules/.installed

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

migrate: install
	$(BIN)/goldenthread migrate

demo: migrate
	$(BIN)/goldenthread demo

run: demo
	@echo "Sign in at http://$(HOST):$(PORT)/accounts/login/ with a demo account above."
	$(BIN)/goldenthread serve --host $(HOST) --port $(PORT)

# Debian packages the tests need: PostgreSQL (a throwaway cluster) and Chromium (browser tests).
system-deps:
	@scripts/system-deps.sh

test: install system-deps
	scripts/run-tests.sh

test-sqlite: install
	scripts/run-tests.sh sqlite

test-postgres: install system-deps
	scripts/run-tests.sh postgres

bench: install
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) node_modules var test-artifacts
