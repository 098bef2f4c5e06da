"""Outbound HTTP: the portal's one guarded client (SSRF guard).

* :mod:`.addresses`: which addresses a request may reach (public ones, plus the allow-list
  ``ckanext.ogpcatalog.net.allowed_addresses`` and its per-purpose aliases);
* :mod:`.client`: :func:`~.client.open_url`, which resolves once, connects only to the checked
  address, checks every redirect hop and bounds time and size.

Every outbound fetch uses it: harvests of every source type (dcat/fetch.py, and ckanext-dcat's
stock harvester through upstream/stock_dcat_fetch.py), OCDS validation (ocds/fetch.py) and the
link check (metrics/linkcheck.py).
"""
