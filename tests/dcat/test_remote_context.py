"""JSON-LD catalogues that refer to a remote ``@context``: the harvester never downloads it.

Known contexts (DCAT-AP, Project Open Data's DCAT-US) are replaced by the portal's local copy;
unknown ones are left out and reported, and the records that can be read are still imported.
The context server the tests start counts the requests that reach it: none must.
"""
from __future__ import annotations

import json

import pytest

from ckanext.ogpcatalog.dcat.contexts import has_remote_context, localize_contexts

from tests.dcat import harvest_server as hs
from tests.dcat.harvest_server import english_reports  # noqa: F401  (fixture)

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG),
              pytest.mark.usefixtures("english_reports")]

CONTEXT = json.dumps({"@context": {"titulo": "http://purl.org/dc/terms/title"}}).encode()


@pytest.fixture(scope="module")
def server():
    srv = hs.HarvestServer().start()
    for name in ("ministerio", "distribucion", "importado"):
        srv.serve(f"/contexts/{name}.jsonld", CONTEXT, "application/ld+json")
    yield srv
    srv.stop()


@pytest.fixture
def org():
    return hs.institution("mtop", "Ministerio de Transporte y Obras Públicas",
                          "Ministry of Transport and Public Works")


def _context_requests(server) -> list[str]:
    return [path for path in server.hits if path.startswith("/contexts/")]


def test_unknown_remote_contexts_are_not_fetched_and_records_are_imported(server, org):
    src = hs.source(server.url("/file/remote_context_mixed.jsonld"), org["id"])

    job, results = hs.harvest(src["id"])

    assert _context_requests(server) == []
    datasets = hs.source_datasets()
    assert {"Inventario de puentes", "Estaciones de peaje"} <= set(datasets)
    puentes = results["https://datos.obras.example.gob/dataset/puentes"]["dataset"]
    assert puentes["title_translated"] == {"es": "Inventario de puentes",
                                           "en": "Bridge inventory"}
    assert [r["url"] for r in puentes["resources"]] == [
        "https://datos.obras.example.gob/files/puentes.csv"]
    messages = hs.job_messages(job)
    for name in ("ministerio", "distribucion", "importado"):
        url = server.url(f"/contexts/{name}.jsonld")
        assert sum(url in m and "remote @context" in m for m in messages) == 1, messages
    assert job.status == "Finished"


def test_catalogue_unreadable_without_its_remote_context_is_reported_not_fetched(server, org):
    body = hs.fixture("remote_context.jsonld").replace(
        b"https://datos.example.gob/contexts/dcat.jsonld", b"{base}/contexts/ministerio.jsonld")
    src = hs.source(server.serve("/needs-context.jsonld", body, "application/ld+json"),
                    org["id"])

    job, _results = hs.harvest(src["id"])

    assert _context_requests(server) == []
    assert hs.source_datasets(org["id"]) == {}
    messages = hs.job_messages(job)
    assert any("remote @context" in m and "/contexts/ministerio.jsonld" in m for m in messages)
    assert any("lists no datasets" in m for m in messages)
    assert not any("Conjunto con contexto remoto" in m for m in messages)  # no content echoed


def test_dcat_ap_context_is_replaced_by_the_local_copy(server, org):
    src = hs.source(server.url("/file/dcat_ap_context.jsonld"), org["id"])

    job, results = hs.harvest(src["id"])

    record = results["https://datos.ambiente.example.gob/dataset/calidad-aire"]
    assert record["state"] == "COMPLETE"
    dataset = record["dataset"]
    assert dataset["title_translated"] == {"es": "Calidad del aire en Quito",
                                           "en": "Air quality in Quito"}
    assert dataset["resources"][0]["url"] == \
        "https://datos.ambiente.example.gob/files/aire-2024.csv"
    assert not any("@context" in m for m in hs.job_messages(job))


def test_dcat_us_data_json_is_read_as_data_json_without_its_context(server, org):
    src = hs.source(server.url("/file/pod_context.json"), org["id"])  # no "format" configured

    job, results = hs.harvest(src["id"])

    assert "Permisos de construcción" in hs.source_datasets()
    [record] = results.values()
    assert record["dataset"]["resources"][0]["url"] == \
        "https://datos.cuenca.example.gob.ec/permisos.csv"


def test_localized_documents_never_refer_to_a_context_by_url():
    document = {"@context": ["https://a.example/ctx.jsonld",
                             {"@import": "https://b.example/ctx.jsonld",
                              "t": {"@id": "http://x/t",
                                    "@context": ["https://c.example/ctx.jsonld"]}}],
                "@graph": [{"@context": "https://schema.org/", "@id": "http://x/1"}]}
    localized = localize_contexts(document)
    assert not has_remote_context(localized.data)
    assert localized.unknown == ["https://a.example/ctx.jsonld", "https://b.example/ctx.jsonld",
                                 "https://c.example/ctx.jsonld"]
    assert localized.known == ["https://schema.org/"]
    assert has_remote_context(document)  # the original is left as it was
