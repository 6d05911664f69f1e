# The two commands: `make run` (demo service on SQLite, no Redis) and `make test` (lint + whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links the service writes (emails, ClaimReview author URL, the admin's "View site") use the port it serves.
ORG_URL ?= $(or $(FACTCHECK_ORG_URL),http://$(HOST):$(PORT)/)

.PHONY: run test lint format audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	DEBUG=true FACTCHECK_ORG_URL=$(ORG_URL) $(BIN)/python manage.py migrate --noinput
	DEBUG=true FACTCHECK_ORG_URL=$(ORG_URL) $(BIN)/python manage.py demo_setup
	DEBUG=true FACTCHECK_ORG_URL=$(ORG_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

audit: $(VENV)/.installed-dev
	VENV=$(VENV) scripts/audit.sh

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
