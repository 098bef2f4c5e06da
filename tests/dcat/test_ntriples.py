"""N-Triples (issue 20): ``/catalog.nt`` and ``/dataset/<name>.nt`` answer
``application/n-triples`` with the same triples as the Turtle endpoints
(ckanext/ogpcatalog/upstream/dcat_ntriples.py)."""
from __future__ import annotations

import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.dcat import portal

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def test_catalogue_and_datasets_are_served_as_n_triples(app):
    created = portal.build()
    pairs = [("/catalog.nt", "/catalog.ttl")] + [
        (f"/dataset/{d['name']}.nt", f"/dataset/{d['name']}.ttl") for d in created.values()]
    for nt_url, ttl_url in pairs:
        response = app.get(nt_url)
        assert response.status_code == 200, nt_url
        assert response.headers["Content-Type"].startswith("application/n-triples")
        served = rdflib.Graph().parse(data=response.body, format="nt")
        turtle = rdflib.Graph().parse(data=app.get(ttl_url).body, format="turtle")
        assert len(served) > 10 and isomorphic(_content(served), _content(turtle)), nt_url


def _content(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph without the paging links (hydra), which name the page's own format."""
    kept = rdflib.Graph()
    for triple in graph:
        if not any(".nt" in str(term) or ".ttl" in str(term) for term in triple):
            kept.add(triple)
    return kept

