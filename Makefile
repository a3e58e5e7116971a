# vrhub: `make run` to start it on this machine, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install static run migrate demo test test-postgres test-browser lint format bench browser-deps clean

help:
	@echo "make run           install, migrate the SQLite database under var/, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test          install and run the test suite (SQLite)"
	@echo "make test-postgres run the suite against DATABASE_URL (PostgreSQL)"
	@echo "make test-browser  install Chromium if missing and run the browser tests"
	@echo "make lint          ruff check, ruff format --check, mypy"
	@echo "make bench         run the benchmarks under bench/, results in var/bench/"

$(BIN)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/.built: node_modules/.installed scripts/build-frontend.mjs $(wildcard src/vrhub/core/frontend/*.scss)
	npm run --silent build
	touch $@

install: $(BIN)/.installed
static: static/.built

migrate: install
	$(MANAGE) migrate --no-input

demo: migrate
	$(MANAGE) load_demo

run: install static demo
	@echo "Serving vrhub on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: install static
	$(BIN)/pytest

test-postgres: install static
	@test -n "$(DATABASE_URL)" || (echo "Set DATABASE_URL to a PostgreSQL database"; exit 1)
	$(BIN)/pytest

browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium chromium-driver)

test-browser: install static browser-deps
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -m browser -p no:randomly

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install static
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules static var
