"""One record never takes the feed down (issue 20): a harvested data service whose contact
points and publishers ckanext-dcat 2.4.4 parses as lists (the shape of dcat-ap-es's
E_DCAT-AP-ES_Catalog_NSIP.rdf) is served, the catalogue pages keep every other dataset, and a
profile that fails on one dataset is logged and skipped for it
(ckanext/ogpcatalog/upstream/dcat_serializer.py)."""
from __future__ import annotations

import json
import logging

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS

from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.dcat.profile import OgpCatalogProfile
from ckanext.ogpcatalog.upstream import dcat_serializer
from tests.dcat import harvest_server as hs
from tests.dcat import portal

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG)]

FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
SERVICE = rdflib.URIRef("https://datos.salud.example.gob/servicio/api-protegida")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")


@pytest.fixture
def portal_with_service(server):
    """The constructed portal (three datasets) plus the fixture harvested (two datasets, one
    with the data service)."""
    originals = portal.build()
    receptor = hs.institution("msp", "Ministerio de Salud Pública", "Ministry of Public Health")
    url = server.serve("/salud/catalogo.ttl", hs.fixture("data_service_contacts.ttl"))
    source = hs.source(url, receptor["id"], name="salud",
                       config={"language_normalization": False})
    job, _results = hs.harvest(source["id"])
    harvested = call_action("package_search", fq=f"harvest_source_id:{source['id']}",
                            include_private=True, rows=10)["results"]
    by_title = {d["title"]: d for d in harvested}
    assert set(by_title) >= {"Camas hospitalarias protegidas", "Vacunación 2024"}, \
        hs.job_messages(job)
    return originals, by_title


def _graph(body: str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=FORMATS[fmt])


def _titles(graph: rdflib.Graph) -> set[str]:
    """The titles of every record served: datasets and (issue 20) data services of their own."""
    return {str(t) for kind in (DCAT.Dataset, DCAT.DataService)
            for d in graph.subjects(rdflib.RDF.type, kind)
            for t in graph.objects(d, DCTERMS.title)}


def test_the_stored_access_service_has_lists_of_contacts_and_publishers(portal_with_service):
    """The shape that broke ckanext-dcat's serializer is what its parser stores."""
    _originals, by_title = portal_with_service
    [resource] = by_title["Camas hospitalarias protegidas"]["resources"]
    services = resource["access_services"]
    services = json.loads(services) if isinstance(services, str) else services
    assert isinstance(services[0]["contact"], list) and len(services[0]["contact"]) == 2
    assert isinstance(services[0]["publisher"], list)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_catalogue_format_answers_with_every_dataset(app, portal_with_service, fmt):
    originals, by_title = portal_with_service
    response = app.get(f"/catalog.{fmt}")
    assert response.status_code == 200
    titles = _titles(_graph(response.body, fmt))
    for dataset in list(originals.values()) + list(by_title.values()):
        assert dataset["title"] in titles, (fmt, dataset["title"])


def test_the_service_dataset_endpoint_writes_every_contact_and_publisher(app,
                                                                        portal_with_service):
    _originals, by_title = portal_with_service
    name = by_title["Camas hospitalarias protegidas"]["name"]
    for fmt in FORMATS:
        response = app.get(f"/dataset/{name}.{fmt}")
        assert response.status_code == 200, fmt
    graph = _graph(app.get(f"/dataset/{name}.ttl").body, "ttl")
    assert (None, DCAT.accessService, SERVICE) in graph
    emails = {str(e) for c in graph.objects(SERVICE, DCAT.contactPoint)
              for e in graph.objects(c, VCARD.hasEmail)}
    assert emails == {"mailto:api@salud.example.gob", "mailto:datos@salud.example.gob"}
    assert set(graph.objects(SERVICE, DCTERMS.publisher)) == {
        rdflib.URIRef("https://datos.salud.example.gob/org/msp"),
        rdflib.URIRef("https://datos.salud.example.gob/org/inec")}


def test_a_profile_failing_on_one_dataset_is_logged_and_the_rest_is_served(
        app, portal_with_service, monkeypatch, caplog):
    originals, by_title = portal_with_service
    broken = originals["procurement"]
    real = OgpCatalogProfile.graph_from_dataset

    def failing(self, dataset_dict, dataset_ref):
        if dataset_dict.get("name") == broken["name"]:
            raise ValueError("a record the profile cannot write")
        return real(self, dataset_dict, dataset_ref)

    monkeypatch.setattr(OgpCatalogProfile, "graph_from_dataset", failing)
    # CKAN's logging set-up (fileConfig) disables the loggers created before it ran
    monkeypatch.setattr(dcat_serializer.log, "disabled", False)
    with caplog.at_level(logging.ERROR, logger=dcat_serializer.__name__):
        response = app.get("/catalog.ttl")
        dataset_response = app.get(f"/dataset/{broken['name']}.ttl")
    assert response.status_code == 200
    titles = _titles(_graph(response.body, "ttl"))
    for dataset in [originals["dataset"], originals["commitment"], *by_title.values()]:
        assert dataset["title"] in titles
    # the broken dataset is still there, with what the earlier profiles wrote
    assert dataset_response.status_code == 200
    assert broken["title"] in _titles(_graph(dataset_response.body, "ttl"))
    assert any(broken["name"] in r.getMessage() and "OgpCatalogProfile" in r.getMessage()
               for r in caplog.records)


def test_without_the_guard_ckanext_dcat_fails_on_the_list(app, portal_with_service,
                                                         monkeypatch):
    """What the workaround is for: drop it when this test fails (ckanext-dcat fixed)."""
    from ckanext.dcat.processors import RDFSerializer

    monkeypatch.setattr(RDFSerializer, "graph_from_dataset",
                        dcat_serializer.UPSTREAM_GRAPH_FROM_DATASET)
    _originals, by_title = portal_with_service
    name = by_title["Camas hospitalarias protegidas"]["name"]
    with pytest.raises(AttributeError, match="'list' object has no attribute 'get'"):
        call_action("dcat_dataset_show", id=name, format="ttl")



def test_a_service_without_uri_gets_every_contact_on_its_blank_node():
    from ckanext.dcat.processors import RDFSerializer

    contacts = [{"name": "Soporte", "email": "soporte@example.gob"},
                {"name": "Datos", "email": "datos@example.gob"}]
    dataset = {"id": "7c1d3c52-2b7e-4f7e-9d7e-1b2c3d4e5f60", "name": "servicio-sin-uri",
               "title": "Servicio sin URI", "resources": [{
                   "id": "0a1b2c3d-0000-4000-8000-000000000001", "url": "https://x.example/api",
                   "access_services": json.dumps([{"title": "API", "contact": contacts}])}]}
    serializer = RDFSerializer(profiles=["euro_dcat_ap_3"])
    graph = _graph(serializer.serialize_dataset(dataset, _format="ttl"), "ttl")
    [service] = graph.objects(None, DCAT.accessService)
    assert isinstance(service, rdflib.BNode)
    assert {str(e) for c in graph.objects(service, DCAT.contactPoint)
            for e in graph.objects(c, VCARD.hasEmail)} == {"mailto:soporte@example.gob",
                                                          "mailto:datos@example.gob"}
    # the caller's dict is left as it was
    assert json.loads(dataset["resources"][0]["access_services"])[0]["contact"] == contacts
