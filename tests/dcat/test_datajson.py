"""data.json catalogues (Argentina's "Perfil de Metadatos" and DCAT-US / Project Open Data 1.1)
as DCAT graphs, and through the profile chain into the portal's dataset dicts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from ckanext.dcat.processors import RDFParser
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from ckanext.ogpcatalog.dcat.datajson import datajson_to_graph
from ckanext.ogpcatalog.dcat.profile import PARSE_ERRORS_KEY

DATA = Path(__file__).resolve().parents[1] / "data" / "dcat" / "profile"
EU = "http://publications.europa.eu/resource/authority/"
PROFILES = ["euro_dcat_ap_3", "euro_dcat_ap_scheming", "ogpcatalog"]


def _load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _dataset(graph, identifier: str):
    [ref] = graph.subjects(DCTERMS.identifier, Literal(identifier))
    return ref


def test_argentina_datasets_and_distributions_become_dcat():
    graph = datajson_to_graph(_load("argentina_data.json"), "argentina",
                              base_uri="https://datos.cultura.example.gob.ar/data.json")
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 2
    museos = _dataset(graph, "museos-nacionales")
    assert str(museos) == "https://datos.cultura.example.gob.ar/data.json#dataset-museos-nacionales"
    assert graph.value(museos, DCTERMS.title) == Literal("Museos nacionales")
    [distribution] = graph.objects(museos, DCAT.distribution)
    assert graph.value(distribution, DCAT.downloadURL) == URIRef(
        "https://datos.cultura.example.gob.ar/files/museos.csv")
    assert graph.value(distribution, DCAT.byteSize) == Literal(
        20480, datatype=XSD.nonNegativeInteger)


def test_argentina_super_themes_frequency_and_local_themes():
    graph = datajson_to_graph(_load("argentina_data.json"), "argentina")
    museos = _dataset(graph, "museos-nacionales")
    assert set(graph.objects(museos, DCAT.theme)) == {
        URIRef(EU + "data-theme/EDUC"), URIRef(EU + "data-theme/SOCI")}
    assert graph.value(museos, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/MONTHLY")
    # the catalogue's own taxonomy becomes keywords, by label
    assert Literal("Museos") in set(graph.objects(museos, DCAT.keyword))
    bibliotecas = _dataset(graph, "bibliotecas-populares")
    assert graph.value(bibliotecas, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/IRREG")


def test_dcat_us_access_level_contact_and_identifier_uri():
    graph = datajson_to_graph(_load("dcat_us_data.json"), "dcat-us")
    water = URIRef("https://data.example.gov/id/water-quality")
    assert (water, RDF.type, DCAT.Dataset) in graph
    assert graph.value(water, DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    assert graph.value(water, DCTERMS.language) == URIRef(EU + "language/ENG")
    contact = graph.value(water, DCAT.contactPoint)
    assert str(graph.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"))) == \
        "mailto:jane.roe@example.gov"
    restricted = _dataset(graph, "EPA-0042")
    assert str(restricted).startswith("urn:datajson:dataset:")
    assert graph.value(restricted, DCTERMS.accessRights) == URIRef(
        EU + "access-right/RESTRICTED")


@pytest.mark.parametrize("document, message", [
    ([], "not a JSON object"),
    ({"title": "x"}, 'no "dataset" list'),
    ({"dataset": {"title": "x"}}, 'no "dataset" list'),
])
def test_unusable_documents_raise_a_clear_value_error(document, message):
    with pytest.raises(ValueError, match=message):
        datajson_to_graph(document, "argentina")


def test_unknown_flavour_is_refused():
    with pytest.raises(ValueError, match="flavour"):
        datajson_to_graph({"dataset": []}, "ckan")


def test_empty_and_odd_entries_are_skipped_without_error():
    graph = datajson_to_graph({"dataset": [{}, "text", None, {"title": 42}]}, "dcat-us")
    [dataset] = graph.subjects(RDF.type, DCAT.Dataset)
    assert graph.value(dataset, DCTERMS.title) == Literal("42")


@pytest.mark.usefixtures("with_plugins")
def test_argentina_catalogue_parses_into_portal_datasets():
    parser = RDFParser(profiles=PROFILES)
    parser.g = datajson_to_graph(_load("argentina_data.json"), "argentina")
    datasets = {d["title"]: d for d in parser.datasets()}
    museos = datasets["Museos nacionales"]
    assert museos["title_translated"] == {"es": "Museos nacionales"}
    assert museos["theme"] == ["EDUC", "SOCI"]
    assert museos["frequency"] == "MONTHLY"
    assert museos["language"] == ["SPA"]
    assert museos["temporal_coverage"] == [{"start": "2016-01-01", "end": "2017-12-31"}]
    assert museos["contact"] == [{"name": "Dirección Nacional de Museos",
                                  "email": "museos@cultura.example.gob.ar"}]
    assert museos["resources"][0]["format"] == "CSV"
    assert museos[PARSE_ERRORS_KEY] == []
    bibliotecas = datasets["Bibliotecas populares"]
    assert [e["field"] for e in bibliotecas[PARSE_ERRORS_KEY]] == ["issued"]


@pytest.mark.usefixtures("with_plugins")
def test_dcat_us_catalogue_parses_into_portal_datasets():
    parser = RDFParser(profiles=PROFILES)
    parser.g = datajson_to_graph(_load("dcat_us_data.json"), "dcat-us")
    datasets = {d["title"]: d for d in parser.datasets()}
    water = datasets["Water Quality Samples"]
    assert water["access_rights"] == "PUBLIC"
    assert water["frequency"] == "WEEKLY"
    assert water["spatial_coverage"] == [{"uri": "https://sws.geonames.org/6252001/"}]
    assert {r["url"] for r in water["resources"]} == {
        "https://data.example.gov/files/water.csv", "https://api.example.gov/water"}
    restricted = datasets["Restricted inspections"]
    assert restricted["access_rights"] == "RESTRICTED"
    assert [e["field"] for e in restricted[PARSE_ERRORS_KEY]] == ["modified"]


def test_catalogues_numbering_their_datasets_alike_keep_distinct_uris():
    first = datajson_to_graph({"identifier": "cultura", "dataset": [{"identifier": "1"}]},
                              "argentina")
    second = datajson_to_graph({"homepage": "https://datos.salud.example.gob.ar",
                                "dataset": [{"identifier": "1"}]}, "argentina")
    [a] = first.subjects(RDF.type, DCAT.Dataset)
    [b] = second.subjects(RDF.type, DCAT.Dataset)
    assert a != b
    assert str(a) == "urn:datajson:cultura:dataset:1"
