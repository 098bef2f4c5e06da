"""Language tags of harvested metadata and the default language of untagged literals."""
from __future__ import annotations

import pytest

from ckanext.ogpcatalog.dcat.languages import (
    current_default_language, harvest_language, normalize_language_tag)


@pytest.mark.parametrize("tag", [
    "es", "ES", "es-EC", "es-419", "es_AR", "spa", "SPA",
    "http://publications.europa.eu/resource/authority/language/SPA"])
def test_spanish_tags_normalise_to_es(tag):
    assert normalize_language_tag(tag) == "es"


@pytest.mark.parametrize("tag", [
    "en", "EN", "eN", "en-GB", "en-US", "eng",
    "http://publications.europa.eu/resource/authority/language/ENG"])
def test_english_tags_normalise_to_en(tag):
    assert normalize_language_tag(tag) == "en"


@pytest.mark.parametrize("tag", ["ca", "de-CH", "fra", "ita"])
def test_other_languages_keep_their_own_code(tag):
    assert normalize_language_tag(tag) not in (None, "es", "en")


@pytest.mark.parametrize("tag", ["", None, "und", "zxx", "12", "español", "es EC"])
def test_unknown_or_malformed_tags_give_none(tag):
    assert normalize_language_tag(tag) is None


@pytest.mark.ckan_config("ckan.locale_default", "es")
def test_default_language_is_the_portal_default_outside_a_harvest():
    assert current_default_language() == "es"


@pytest.mark.ckan_config("ckan.locale_default", "es")
def test_harvest_language_applies_inside_the_block_only():
    with harvest_language("en-US") as language:
        assert language == "en"
        assert current_default_language() == "en"
        with harvest_language("spa"):
            assert current_default_language() == "es"
        assert current_default_language() == "en"
    assert current_default_language() == "es"


@pytest.mark.ckan_config("ckan.locale_default", "es")
def test_unknown_harvest_language_leaves_the_portal_default():
    with harvest_language("not a tag"):
        assert current_default_language() == "es"


@pytest.mark.ckan_config("ckan.locale_default", "es")
def test_source_in_another_language_sets_that_language():
    # untagged literals of a German source are German: the profile leaves them aside
    with harvest_language("de"):
        assert current_default_language() == "de"


# ---------------------------------------------------------------- harvested, kept, served
# (issue 20: "a literal's language must survive": keywords and distribution titles and
# descriptions in languages the portal does not offer are kept with their own tag)

MULTILINGUAL_CATALOGUE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://daten.example.ch/catalog> a dcat:Catalog ;
    dct:title "Katalog"@de ;
    dcat:dataset <https://daten.example.ch/dataset/jahrbuch>,
                 <https://daten.example.ch/dataset/aria> .
<https://daten.example.ch/dataset/jahrbuch> a dcat:Dataset ;
    dct:identifier "jahrbuch" ;
    dct:title "Statistisches Jahrbuch 1894"@de, "Annuaire statistique 1894"@fr ;
    dct:description "Das Jahrbuch."@de ;
    dcat:keyword "Bevölkerung"@de, "population"@fr, "estadística"@es, "statistics"@en ;
    dcat:distribution <https://daten.example.ch/dist/jahrbuch-pdf> .
<https://daten.example.ch/dist/jahrbuch-pdf> a dcat:Distribution ;
    dct:title "Jahrbuch als PDF"@de, "Annuaire en PDF"@fr ;
    dct:description "Gescannte Ausgabe"@de ;
    dcat:accessURL <https://daten.example.ch/jahrbuch.pdf> .
<https://daten.example.ch/dataset/aria> a dcat:Dataset ;
    dct:identifier "aria" ;
    dct:title "Calidad del aire"@es, "Qualità dell'aria"@it ;
    dct:description "Mediciones horarias."@es ;
    dcat:keyword "aire"@es, "qualità"@it ;
    dcat:distribution <https://daten.example.ch/dist/aria-csv> .
<https://daten.example.ch/dist/aria-csv> a dcat:Distribution ;
    dct:title "Mediciones (CSV)"@es, "Misure (CSV)"@it, "Measurements (CSV)"@en ;
    dct:description "Qualità dell'aria, ogni ora"@it ;
    dcat:accessURL <https://daten.example.ch/aria.csv> .
"""


def _literals(graph, subject, predicate) -> set[tuple[str, str | None]]:
    return {(str(o), o.language) for o in graph.objects(subject, predicate)}


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.ogpcatalog.harvest.allowed_private_addresses", "127.0.0.1")
def test_keywords_and_distribution_texts_keep_their_language_tag(app, server):
    import json

    import rdflib
    from rdflib.namespace import DCAT, DCTERMS

    from ckan.tests.helpers import call_action

    from tests.dcat import harvest_server as hs

    receptor = hs.institution("receptor", "Portal receptor", "Receiving portal")
    url = server.serve("/languages/catalog.ttl", MULTILINGUAL_CATALOGUE.encode("utf-8"))
    source = hs.source(url, receptor["id"], name="multilingue")
    job, _results = hs.harvest(source["id"])
    found = {d["title"]: d for d in call_action(
        "package_search", fq=f"harvest_source_id:{source['id']}", rows=10)["results"]}
    assert set(found) == {"Statistisches Jahrbuch 1894", "Calidad del aire"}, \
        hs.job_messages(job)

    yearbook, air = found["Statistisches Jahrbuch 1894"], found["Calidad del aire"]
    # stored: tags only in the portal's languages; the others kept with their tag
    assert sorted(t["name"] for t in yearbook["tags"]) == ["estadística", "statistics"]
    kept = json.loads({e["key"]: e["value"] for e in yearbook["extras"]}["other_languages"])
    assert kept["values"]["tags"] == {"de": ["Bevölkerung"], "en": ["statistics"],
                                      "fr": ["population"]}
    [pdf] = yearbook["resources"]
    assert pdf["name"] == "Jahrbuch als PDF"  # the display copy
    assert json.loads(pdf["other_languages"]) == {
        "values": {"name": {"de": "Jahrbuch als PDF", "fr": "Annuaire en PDF"},
                   "description": {"de": "Gescannte Ausgabe"}},
        "copied": {"name": "es", "description": "es"}}
    [csv] = air["resources"]
    assert csv["name"] == "Mediciones (CSV)"

    # served: each literal with the tag it was harvested with, none relabelled @es
    for dataset, expected in (
            (yearbook, {
                DCAT.keyword: {("estadística", "es"), ("statistics", "en"),
                               ("Bevölkerung", "de"), ("population", "fr")},
                "title": {("Jahrbuch als PDF", "de"), ("Annuaire en PDF", "fr")},
                "description": {("Gescannte Ausgabe", "de")}}),
            (air, {
                DCAT.keyword: {("aire", "es"), ("qualità", "it")},
                "title": {("Mediciones (CSV)", "es"), ("Misure (CSV)", "it"),
                          ("Measurements (CSV)", "en")},
                "description": {("Qualità dell'aria, ogni ora", "it")}})):
        response = app.get(f"/dataset/{dataset['name']}.ttl")
        assert response.status_code == 200
        graph = rdflib.Graph().parse(data=response.body, format="turtle")
        [ref] = list(graph.subjects(DCAT.distribution, None))
        [distribution] = list(graph.objects(ref, DCAT.distribution))
        assert _literals(graph, ref, DCAT.keyword) == expected[DCAT.keyword]
        assert _literals(graph, distribution, DCTERMS.title) == expected["title"]
        assert _literals(graph, distribution, DCTERMS.description) == expected["description"]
