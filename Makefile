# ckanext-ogpcatalog: the two commands of the project are `make run` and `make test`.
# Settings come from the environment (or `make VAR=value`); README.md documents them.
# The work is done by scripts/*.sh, which read the same variables.

STATE_DIR ?= /var/lib/ogpcatalog
PORT ?= 5000
PGPORT ?= 55432
REDIS_PORT ?= 56379
TEST_DB ?= ckan_ogp_test
export STATE_DIR PORT PGPORT REDIS_PORT TEST_DB

# For recipes here and in conformance/conformance.mk: the project's virtualenv, its tools, and
# the environment that points CKAN's test config at the project's servers (test database, Redis
# db 1). `make test-setup` prepares them; `make test` runs it first.
VENV := $(STATE_DIR)/venv
VENV_PY := $(VENV)/bin/python
CKAN := $(VENV)/bin/ckan
PYTEST := $(VENV)/bin/pytest
TEST_ENV := CKAN_SQLALCHEMY_URL=postgresql://ckan_default:ckan@127.0.0.1:$(PGPORT)/$(TEST_DB) \
	CKAN_REDIS_URL=redis://127.0.0.1:$(REDIS_PORT)/1
CONFORMANCE_ENV := $(TEST_ENV)

SHELL := /bin/bash

.PHONY: help run stop clean status test test-setup e2e fuzz i18n venv

help:
	@echo "make run         install what is missing, start PostgreSQL, Redis, workers and the portal"
	@echo "                 on http://127.0.0.1:$(PORT)/ (state in $(STATE_DIR))"
	@echo "make stop        stop every process that make run started"
	@echo "make clean       stop, then delete $(STATE_DIR) after asking (YES=1 to skip the question)"
	@echo "make status      what runs"
	@echo "make test        pytest, conformance and quick benchmarks against the project's servers"
	@echo "make test-setup  only prepare the virtualenv, PostgreSQL, Redis and the test database"
	@echo "make e2e         browser journeys (Chromium) against the running portal"
	@echo "make fuzz        fuzzing of the dataset actions, 2,000 inputs per action and type"
	@echo "make i18n        extract, update and compile the es/en catalogues in i18n/"
	@echo "Settings: STATE_DIR PORT PGPORT REDIS_PORT (and more: README.md)"

run:
	@bash scripts/stack.sh run

stop:
	@bash scripts/stack.sh stop

clean:
	@bash scripts/stack.sh clean

status:
	@bash scripts/stack.sh status

test:
	@MAKE="$(MAKE)" bash scripts/test.sh

test-setup:
	@bash scripts/stack.sh test-setup

venv:
	@bash scripts/stack.sh venv

e2e:
	@if [ -d tests/e2e ]; then \
		$(TEST_ENV) PORTAL_URL=http://127.0.0.1:$(PORT) $(PYTEST) tests/e2e; \
	else \
		echo "make e2e: no end-to-end tests yet (tests/e2e does not exist)"; \
	fi

# The fuzzing of every dataset type's create/update actions at full size (2,000 generated
# inputs per action and type; `make test` runs 30 of each).
fuzz:
	@$(TEST_ENV) HYPOTHESIS_PROFILE=thorough $(PYTEST) tests/security/test_fuzz_dataset_actions.py

i18n: venv
	@bash scripts/i18n.sh

# The conformance suite (CKAN's own search tests against ogpcatalog_search) lives beside it.
-include conformance/conformance.mk
