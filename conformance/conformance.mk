# `make conformance`: CKAN's own search tests against the PostgreSQL backend (>= 98% must pass;
# every failure is listed with its reason in conformance/expected_failures.txt).
# Included by the top-level Makefile; VENV_PY and the database variables come from there.
.PHONY: conformance
conformance:
	$(CONFORMANCE_ENV) $(VENV_PY) conformance/run.py

# `make conformance-solr`: the same suites the way CKAN runs them, on Apache Solr with the
# portal's configset (ckan.plugins empty, solr_url = the project's node on SOLR_PORT, started
# and stopped by run.py when it is not running); own list: conformance/expected_failures_solr.txt.
.PHONY: conformance-solr
conformance-solr:
	$(CONFORMANCE_ENV) $(VENV_PY) conformance/run.py --solr

# `make conformance-corpus`: harvest every file of the DCAT corpus (../shared/corpus/dcat) over
# HTTP; prints a table and writes test-results/dcat-conformance-corpus.json (opt-in locally,
# about 45 minutes; .ci/run runs it after make test whenever ../shared/corpus/dcat exists,
# without the two large Argentine catalogues: OGPCATALOG_CORPUS_EXCLUDE).
.PHONY: conformance-corpus
conformance-corpus:
	OGPCATALOG_CORPUS=1 $(CONFORMANCE_ENV) $(VENV_PY) -m pytest tests/dcat/test_conformance_corpus.py -q -s -p no:cacheprovider
