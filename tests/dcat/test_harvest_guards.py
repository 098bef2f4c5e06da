"""Nothing lost: a source that misbehaves (errors, empty or hostile answers, broken paging)
leaves the datasets harvested from it intact, and the job report says why.

One catalogue is harvested once for the module; each case then makes the source misbehave,
harvests again and checks that nothing changed.
"""
from __future__ import annotations

import socket

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import helpers

from tests.dcat import harvest_server as hs
from tests.dcat.harvest_server import english_reports  # noqa: F401  (fixture)

ALLOW = hs.ALLOW_LOCAL_CONFIG
pytestmark = [pytest.mark.usefixtures("with_plugins"), pytest.mark.ckan_config(*ALLOW),
              pytest.mark.usefixtures("english_reports")]

TITLES = {"Egresos hospitalarios 2024", "Cobertura de vacunación", "Establecimientos de salud"}
PATH = "/guarded"


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture(scope="module")
def baseline(server):
    """A fresh database, two institutions, one source harvested once."""
    previous = tk.config.get(ALLOW[0])
    tk.config[ALLOW[0]] = ALLOW[1]
    import ckan.plugins as p
    from ckan.cli.db import _run_migrations
    p.load_all()
    helpers.reset_db()
    for plugin in ("activity", "harvest", "ogpcatalog"):
        _run_migrations(plugin)
    server.serve(PATH, hs.fixture("catalog.ttl"))
    org = hs.institution("inec", "Instituto Nacional de Estadística y Censos",
                         "National Institute of Statistics and Census")
    src = hs.source(server.url(PATH), org["id"],
                    {"timeout": 3, "max_bytes": 1024 * 1024, "max_pages": 4})
    hs.harvest(src["id"])
    datasets = hs.source_datasets()
    assert set(datasets) == TITLES
    yield {"source": src, "datasets": datasets, "org": org}
    tk.config[ALLOW[0]] = previous
    p.unload_all()


def _harvest_broken(server, baseline, behaviour) -> list[str]:
    if callable(behaviour):
        server.script(PATH, behaviour)
    else:
        server.routes[PATH] = behaviour
    try:
        job, _results = hs.harvest(baseline["source"]["id"])
    finally:
        server.serve(PATH, hs.fixture("catalog.ttl"))
    assert hs.source_datasets() == baseline["datasets"]  # same ids, same metadata_modified
    assert job.status == "Finished"
    return hs.job_messages(job)


def _turtle(body: bytes) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "text/turtle"}, body


CASES = {
    "server error": ((500, {"Content-Type": "text/plain"}, b"Internal error"), "500"),
    "not found": ((404, {"Content-Type": "text/plain"}, b"gone"), "404"),
    "empty answer": (_turtle(b""), "empty document"),
    "html maintenance page": ((200, {"Content-Type": "text/html"},
                               hs.fixture("maintenance.html")), "HTML"),
    "html page served as turtle": (_turtle(hs.fixture("maintenance.html")), "HTML page"),
    "empty rdf:RDF": ((200, {"Content-Type": "application/rdf+xml"}, hs.fixture("empty.rdf")),
                      "lists no datasets"),
    "empty JSON-LD": ((200, {"Content-Type": "application/ld+json"}, b"{}"), "empty JSON-LD"),
    "wrong content type": ((200, {"Content-Type": "image/png"}, b"\x89PNG"), "image/png"),
    "malformed turtle": (_turtle(b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
                                 b"<a> dcat:x \"secreto-ttl\" ("), "could not be read as turtle"),
    "malformed JSON-LD": ((200, {"Content-Type": "application/ld+json"},
                           b'{"@id": "secreto-json", "dct:title": '), "not valid JSON"),
    "malformed RDF/XML": ((200, {"Content-Type": "application/rdf+xml"},
                           b"<rdf:RDF><secreto-xml></rdf:RDF>"), "not well-formed XML"),
    "billion laughs": ((200, {"Content-Type": "application/rdf+xml"},
                        hs.fixture("billion_laughs.rdf")), "entities"),
    "XXE": ((200, {"Content-Type": "application/rdf+xml"}, hs.fixture("xxe.rdf")), "entities"),
    "remote JSON-LD context": ((200, {"Content-Type": "application/ld+json"},
                                hs.fixture("remote_context.jsonld")), "remote @context"),
    "redirect loop": (None, "loop"),
    "redirect to a private address": (hs.redirect("http://169.254.169.254/latest"),
                                      "private or reserved"),
    "redirect to a file": (hs.redirect("file:///etc/passwd"), "Only http and https"),
    "drip feed": (hs.drip_feed, "longer than"),
    "truncated": (hs.truncated, "broke"),
    "oversize": (hs.endless, "larger than the limit"),
    "gzip bomb": (hs.gzip_bomb, "larger than the limit"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_misbehaving_source_deletes_nothing_and_reports(server, baseline, case):
    behaviour, expected = CASES[case]
    if case == "redirect loop":
        server.script("/guarded-loop", hs.redirect(PATH))
        behaviour = hs.redirect("/guarded-loop")
    messages = _harvest_broken(server, baseline, behaviour)
    assert any(expected in m for m in messages), messages
    assert not any("root:" in m for m in messages)  # never the content of a local file
    assert not any("secreto" in m for m in messages)  # parse errors do not echo the content


def test_connection_refused_deletes_nothing(server, baseline):
    from ckanext.harvest.model import HarvestSource
    source = HarvestSource.get(baseline["source"]["id"])
    original = source.url
    source.url = f"http://127.0.0.1:{_closed_port()}/catalog.ttl"
    source.save()
    try:
        job, _results = hs.harvest(source.id)
    finally:
        source = HarvestSource.get(baseline["source"]["id"])
        source.url = original
        source.save()
    assert hs.source_datasets() == baseline["datasets"]
    assert any("Could not connect" in m for m in hs.job_messages(job))


def test_failing_page_imports_earlier_pages_and_deletes_nothing(server, baseline):
    server.routes["/paged/2"] = (500, {"Content-Type": "text/plain"}, b"boom")
    from ckanext.harvest.model import HarvestSource
    source = HarvestSource.get(baseline["source"]["id"])
    original = source.url
    source.url = server.url("/paged/1")
    source.save()
    try:
        job, _results = hs.harvest(source.id)
    finally:
        del server.routes["/paged/2"]
        source = HarvestSource.get(baseline["source"]["id"])
        source.url = original
        source.save()
    # Establecimientos (page 2) is not in the partial list, but is not deleted
    assert set(hs.source_datasets()) == TITLES
    assert any("Page 2 of the catalogue failed" in m for m in hs.job_messages(job))


def test_endless_pagination_stops_at_max_pages_and_deletes_nothing(server, baseline):
    from ckanext.harvest.model import HarvestSource
    source = HarvestSource.get(baseline["source"]["id"])
    original = source.url
    source.url = server.url("/looping/1")
    source.save()
    try:
        job, _results = hs.harvest(source.id)
    finally:
        source = HarvestSource.get(baseline["source"]["id"])
        source.url = original
        source.save()
    datasets = hs.source_datasets()
    assert TITLES <= set(datasets)
    assert {f"Página {n}" for n in range(1, 5)} <= set(datasets)
    assert "Página 5" not in datasets
    assert any("max_pages" in m for m in hs.job_messages(job))
    model.Session.remove()
