"""Workarounds of bugs in the packages the portal runs on (CKAN, ckanext-harvest, ckanext-dcat,
redis-py).

Each module says which version it works around and when it can be dropped; each has a test
under tests/upstream/ (or the one named) that must keep passing once the workaround is gone.

=====================  ==========================================  ===========================
module                 works around                                 drop when
=====================  ==========================================  ===========================
csrf_exemptions.py     CKAN 2.12.0: ``csrf.exempt`` of an           CKAN > 2.12.0 scopes
                       anonymous/API-token request lasts for the    ``csrf.exempt`` per request
                       whole process (Flask-WTF 1.3.0's set)        (CVE-2026-41255 fix)
action_errors.py       CKAN 2.12.0: core views let                  core views answer 403/404
                       ``NotAuthorized``/``ObjectNotFound``         themselves
                       escape as a 500
harvest_queue.py       ckanext-harvest 1.6.3 + redis-py 8.0.1       ckanext-harvest > 1.6.3
                       (pinned by CKAN 2.12.0): idle queue          waits on an idle queue
                       consumers die after 5 s                      (tests/test_stack.py)
harvest_config_errors  ckanext-harvest 1.6.3: a refused source      ckanext-harvest > 1.6.3
.py                    config is reported with an untranslated      translates the prefix
                       English prefix ("Error parsing the           (tests/dcat/
                       configuration options: ")                    test_source_config.py)
dcat_serializer.py     ckanext-dcat 2.4.4: one dataset a profile    ckanext-dcat guards per-
                       cannot write (an access service's contact    dataset serialisation and
                       list) answers 500 for the whole catalogue    writes the access services
                                                                    it parses (tests/dcat/
                                                                    test_catalog_survives.py)
stock_dcat_fetch.py    ckanext-dcat 2.4.4: the stock harvesters     ckanext-dcat lets a plugin
                       download with plain ``requests`` (any        replace its download or
                       address, unchecked redirects, no timeout)    guards it (tests/security/
                       and read non-http URLs as local files        test_stock_harvester_ssrf.py)
=====================  ==========================================  ===========================

Upstream bugs handled elsewhere, where the code they correct lives (a module moved here
joins the table): the chained ``package_owner_org_update`` of logic/action/ (CKAN 2.12.0 does
not re-index a dataset moved to another institution), the ``isodate`` validator override of
logic/ (CKAN 2.12.0 answers 500 on an overflowing date) and fields/core_types.py (CKAN 2.12.0's
core validators take values of the wrong JSON type). Messages that other packages' catalogues
lack are translated through language/upstream_messages.py.
"""
