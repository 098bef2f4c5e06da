"""data.json output (dcat/datajson_output.py, views/feeds.py): the catalogue in Argentina's
metadata profile (``/catalog/data.json``, ``/data.json``) and in DCAT-US 1.1
(``/catalog/dcat-us.json``), valid against the project's own schema subsets always and against
pydatajson's and Project Open Data's full schemas where the corpus is present; only public
active datasets; our own output harvests back through the data.json reader."""
from __future__ import annotations

import json

import pytest
from rdflib.namespace import DCAT, DCTERMS, RDF

import ckan.tests.factories as factories

from ckanext.ogpcatalog.dcat.datajson import datajson_to_graph

from tests.dcat import open_formats as of
from tests.dcat.open_formats import app, portal  # noqa: F401 - the module's fixtures


def _get_json(app, url):
    response = app.get(url)
    assert response.status_code == 200, response.body[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


def _by_title(catalog, title):
    return next(d for d in catalog["dataset"] if d["title"].startswith(title))


# -- Argentina's profile -------------------------------------------------------------------

def test_argentina_catalogue_meets_the_profile_subset(app, portal):
    catalog = _get_json(app, "/catalog/data.json")

    assert of.errors(of.fixture_schema("argentina_datajson_subset.schema.json"), catalog) == []
    assert len(catalog["dataset"]) == len(portal["public"])


def test_argentina_catalogue_is_valid_against_pydatajson_schema(app):
    schema, registry = of.argentina_corpus_schema()

    catalog = _get_json(app, "/catalog/data.json")

    assert of.errors(schema, catalog, registry) == []


def test_root_data_json_is_the_argentina_catalogue(app):
    assert _get_json(app, "/data.json") == _get_json(app, "/catalog/data.json")


def test_argentina_dataset_maps_the_portal_fields_in_spanish(app, portal):
    catalog = _get_json(app, "/catalog/data.json")
    dataset = _by_title(catalog, "Presupuesto General")

    assert dataset["identifier"] == portal["full"]["id"]
    assert dataset["description"].startswith("Ejecución presupuestaria mensual")
    assert dataset["publisher"] == {"name": "Ministerio de Economía y Finanzas"}
    assert dataset["superTheme"] == ["ECON", "GOVE"]
    assert dataset["accrualPeriodicity"] == "R/P1M"
    assert dataset["issued"] == "2024-01-15" and dataset["modified"] == "2024-11-30"
    assert dataset["temporal"] == "2024-01-01/2024-12-31"
    assert dataset["spatial"] == "Ecuador"
    assert dataset["language"] == ["es", "en"]
    assert dataset["contactPoint"] == {"fn": "Dirección de Estadística",
                                       "hasEmail": "datos@finanzas.gob.ec"}
    # Argentina's keyword pattern has Latin letters only: "índice λ" -> "índice"
    assert sorted(dataset["keyword"]) == ["finanzas públicas", "presupuesto", "índice"]
    csv = next(d for d in dataset["distribution"] if d.get("format") == "CSV")
    assert csv["downloadURL"] == "https://datos.finanzas.gob.ec/presupuesto-2024.csv"
    assert csv["mediaType"] == "text/csv" and csv["byteSize"] == 12345
    assert csv["fileName"] == "presupuesto-2024.csv"
    assert csv["accessURL"].endswith(f"/dataset/presupuesto-2024/resource/{csv['identifier']}")


def test_argentina_fills_what_the_profile_requires_from_what_the_portal_has(app):
    catalog = _get_json(app, "/catalog/data.json")
    procurement = _by_title(catalog, "Compras 2024")

    # no description: the title; no theme: the configured default; no frequency: eventual
    assert procurement["description"] == "Compras 2024"
    assert procurement["superTheme"] == ["GOVE"]
    assert procurement["accrualPeriodicity"] == "eventual"
    assert procurement["temporal"] == "2024-01-01/2024-12-31"
    assert procurement["issued"].endswith("Z")  # metadata_created, a UTC date-time


@pytest.mark.ckan_config("ckanext.ogpcatalog.feeds.datajson_default_super_theme", "ECON")
@pytest.mark.usefixtures("ckan_config")
def test_default_super_theme_is_a_config_key(app):
    catalog = _get_json(app, "/catalog/data.json")

    assert _by_title(catalog, "Compras 2024")["superTheme"] == ["ECON"]


def test_argentina_english_values_on_request(app):
    catalog = _get_json(app, "/catalog/data.json?lang=en")

    dataset = _by_title(catalog, "General State Budget")
    assert dataset["description"].startswith("Monthly budget execution")
    # only in Spanish: the Spanish text, never an empty value
    assert _by_title(catalog, "Compras 2024")
    assert catalog["title"] == "Open Government Catalogue"


def test_unknown_language_is_refused_with_a_message(app):
    response = app.get("/catalog/data.json?lang=de", status=400)

    assert "de" in response.body and "es, en" in response.body


# -- DCAT-US 1.1 ---------------------------------------------------------------------------

def test_dcat_us_catalogue_meets_the_schema_subset(app, portal):
    catalog = _get_json(app, "/catalog/dcat-us.json")

    assert of.errors(of.fixture_schema("dcat_us_datajson_subset.schema.json"), catalog) == []
    assert len(catalog["dataset"]) == len(portal["public"])


def test_dcat_us_catalogue_is_valid_against_project_open_data_schema(app):
    schema, registry = of.pod_corpus_schema()

    catalog = _get_json(app, "/catalog/dcat-us.json")

    assert of.errors(schema, catalog, registry) == []


def test_dcat_us_dataset_maps_the_portal_fields(app):
    catalog = _get_json(app, "/catalog/dcat-us.json")
    dataset = _by_title(catalog, "Presupuesto General")

    assert catalog["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert dataset["identifier"].endswith("/dataset/presupuesto-2024")
    assert dataset["accessLevel"] == "public"
    assert dataset["contactPoint"] == {"@type": "vcard:Contact", "fn": "Dirección de Estadística",
                                       "hasEmail": "mailto:datos@finanzas.gob.ec"}
    assert dataset["publisher"]["name"] == "Ministerio de Economía y Finanzas"
    assert dataset["license"].startswith("http")
    assert dataset["accrualPeriodicity"] == "R/P1M"
    assert {d.get("downloadURL") for d in dataset["distribution"]} >= {
        "https://datos.finanzas.gob.ec/presupuesto-2024.csv"}


# -- Both ----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/catalog/data.json", "/catalog/dcat-us.json", "/data.json"])
def test_private_draft_and_deleted_datasets_are_never_listed(app, portal, url):
    body = app.get(url).body

    for name in portal["hidden"]:
        assert name not in body
    for title in ("Privado interno", "Borrador interno", "Borrado antes"):
        assert title not in body


@pytest.mark.parametrize("url", ["/catalog/data.json", "/catalog/dcat-us.json"])
def test_a_sysadmin_gets_the_same_public_catalogue(app, portal, url):
    token = factories.APIToken(user=portal["sysadmin"]["name"])["token"]
    anonymous = app.get(url).body
    as_sysadmin = app.get(url, headers={"Authorization": token}).body

    assert "privado-interno" not in as_sysadmin and "Privado interno" not in as_sysadmin
    assert json.loads(anonymous)["dataset"] == json.loads(as_sysadmin)["dataset"]


@pytest.mark.parametrize("url, flavour", [("/catalog/data.json", "argentina"),
                                          ("/catalog/dcat-us.json", "dcat-us")])
def test_our_data_json_reads_back_through_the_harvest_side(app, portal, url, flavour):
    graph = datajson_to_graph(_get_json(app, url), flavour, base_uri="http://test.ckan.net" + url)

    titles = {str(o) for s in graph.subjects(RDF.type, DCAT.Dataset)
              for o in graph.objects(s, DCTERMS.title)}
    assert len(titles) == len(portal["public"])
    assert "Presupuesto General del Estado 2024" in titles


@pytest.mark.parametrize("url", ["/catalog/data.json", "/catalog/dcat-us.json"])
def test_a_record_that_cannot_be_written_is_left_out_not_the_catalogue(app, portal, monkeypatch,
                                                                       url):
    from ckanext.ogpcatalog.dcat import datajson_output

    write = datajson_output.dataset_entry

    def failing(flavour, pkg, language):
        if pkg["name"] == "compras-2024":
            raise AttributeError("'list' object has no attribute 'get'")
        return write(flavour, pkg, language)

    monkeypatch.setattr(datajson_output, "dataset_entry", failing)

    catalog = _get_json(app, url)

    assert len(catalog["dataset"]) == len(portal["public"]) - 1
    assert not any(d["title"] == "Compras 2024" for d in catalog["dataset"])


def test_english_pages_link_the_english_catalogue(app):
    catalog = _get_json(app, "/en/catalog/data.json")

    assert _by_title(catalog, "General State Budget")
    assert _get_json(app, "/en/catalog/data.json?lang=es")["title"] != catalog["title"]
