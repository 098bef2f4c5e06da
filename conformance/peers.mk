# `make peers`: the peers' own test suites (ckanext-harvest, ckanext-dcat, ckanext-scheming) and
# CKAN 2.12.0's core suites that touch search (tests/logic/action, tests/controllers,
# ckanext/activity/tests), from their pinned PyPI sdists, on the embedded search backend
# (ogpcatalog_search first) and the project's PostgreSQL and Redis. One database per suite,
# $(PEERS_DB_PREFIX)_<suite> (peers_$(TEST_DB)_<suite>: never one of the ckan_ogp_test_*
# databases). Every failure is listed with its reason in
# conformance/peers/expected_failures/<suite>.txt; the run fails on an unlisted failure, a
# listed test that passes, or a suite under PEERS_MIN_PASS_RATE percent.
# `make peers-quick`: the quick form (harvest, scheming, a slice of dcat), for `make test`.
# `make peers-all`: every suite, the rest of ckan/tests included (long).
# Included by the top-level Makefile; VENV_PY, TEST_ENV and TEST_DB come from there.
PEERS_DB_PREFIX ?= peers_$(TEST_DB)
PEERS_MIN_PASS_RATE ?= 99.5
PEERS_ENV = $(TEST_ENV) PEERS_DB_PREFIX=$(PEERS_DB_PREFIX) PEERS_MIN_PASS_RATE=$(PEERS_MIN_PASS_RATE)

.PHONY: peers peers-quick peers-all
peers:
	$(PEERS_ENV) $(VENV_PY) conformance/peers.py

peers-quick:
	$(PEERS_ENV) $(VENV_PY) conformance/peers.py --quick

peers-all:
	$(PEERS_ENV) $(VENV_PY) conformance/peers.py --all
