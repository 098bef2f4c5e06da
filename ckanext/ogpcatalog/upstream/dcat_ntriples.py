"""ckanext-dcat 2.4.4 serves Turtle, RDF/XML, N3 and JSON-LD but not N-Triples.

Its endpoints (``/catalog.<format>``, ``/dataset/<id>.<format>``) accept any format rdflib
can write, but answer with ``ckanext.dcat.utils.CONTENT_TYPES[format]``: ``.nt`` raises a
``KeyError`` (a 500). :func:`add_ntriples_format` adds ``nt`` -> ``application/n-triples``
to that table, which gives ``/catalog.nt``, ``/dataset/<id>.nt`` and content negotiation
(``Accept: application/n-triples``); rdflib writes ``nt`` itself.

Works around: ckanext-dcat 2.4.4 (``ckanext/dcat/utils.py`` ``CONTENT_TYPES``). Installed when
the portal's profile is imported (``dcat/profile/__init__.py``).
Drop when: ckanext-dcat lists N-Triples among its formats; keep the tests
(tests/dcat/test_ntriples.py), which must still pass without it.
"""
from __future__ import annotations

NTRIPLES_CONTENT_TYPE = "application/n-triples"


def add_ntriples_format() -> None:
    from ckanext.dcat import utils

    utils.CONTENT_TYPES.setdefault("nt", NTRIPLES_CONTENT_TYPE)
