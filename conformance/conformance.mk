# `make conformance`: CKAN's own search tests against the PostgreSQL backend (>= 98% must pass;
# every failure is listed with its reason in conformance/expected_failures.txt).
# Included by the top-level Makefile; VENV_PY and the database variables come from there.
.PHONY: conformance
conformance:
	$(CONFORMANCE_ENV) $(VENV_PY) conformance/run.py
