"""schema.org ``Dataset`` JSON-LD in every dataset page (dcat/schema_org.py,
package/read_base.html), for Google Dataset Search: valid against Google's documented required
and recommended properties (tests/data/open_formats/google_dataset.schema.json), in the page's
language, description within 50-5,000 characters, and safe against titles that try to end the
script element."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from ckanext.ogpcatalog.dcat import schema_org

from tests.dcat import open_formats as of
from tests.dcat.open_formats import app, portal  # noqa: F401 - the module's fixtures

# The properties Google lists as recommended for a Dataset (besides required name/description).
RECOMMENDED = ("url", "identifier", "keywords", "license", "creator", "publisher",
               "temporalCoverage", "spatialCoverage", "distribution", "dateModified",
               "inLanguage", "isAccessibleForFree", "includedInDataCatalog")


def _json_ld(app, url):
    response = app.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.body, "html.parser")
    scripts = soup.select('head script[type="application/ld+json"]')
    datasets = [json.loads(s.string) for s in scripts if '"Dataset"' in (s.string or "")]
    assert len(datasets) == 1, f"{url}: {len(datasets)} schema.org Dataset blocks"
    return datasets[0], response.body


@pytest.mark.parametrize("url", ["/dataset/presupuesto-2024", "/procurement/compras-2024",
                                 "/commitment/compromiso-uno", "/dataset/registro-largo",
                                 "/dataset/titulo-hostil", "/en/dataset/presupuesto-2024",
                                 "/en/commitment/compromiso-uno"])
def test_every_dataset_page_of_every_type_has_a_valid_schema_org_dataset(app, url):
    data, _ = _json_ld(app, url)

    assert of.errors(of.fixture_schema("google_dataset.schema.json"), data) == []


def test_a_complete_dataset_has_every_recommended_property(app):
    data, _ = _json_ld(app, "/dataset/presupuesto-2024")

    assert [key for key in RECOMMENDED if key not in data] == []
    assert data["name"] == "Presupuesto General del Estado 2024"
    assert data["inLanguage"] == "es"
    assert data["url"].endswith("/dataset/presupuesto-2024")
    assert data["temporalCoverage"] == "2024-01-01/2024-12-31"
    assert data["spatialCoverage"] == {"@type": "Place", "name": "Ecuador",
                                       "sameAs": "https://sws.geonames.org/3658394/"}
    assert data["creator"]["name"] == "Ministerio de Economía y Finanzas"
    assert {"presupuesto", "Economía y finanzas"} <= set(data["keywords"])
    csv = next(d for d in data["distribution"] if d["contentUrl"].endswith(".csv"))
    assert csv["encodingFormat"] == "text/csv"
    assert data["includedInDataCatalog"]["@type"] == "DataCatalog"
    assert data["sameAs"] == "https://www.finanzas.gob.ec/presupuesto"


def test_english_page_describes_the_dataset_in_english(app):
    data, _ = _json_ld(app, "/en/dataset/presupuesto-2024")

    assert data["name"] == "General State Budget 2024"
    assert data["description"].startswith("Monthly budget execution")
    assert data["inLanguage"] == "en"
    assert "/en/dataset/presupuesto-2024" in data["url"]
    assert data["publisher"]["name"] == "Ministry of Economy and Finance"
    assert data["creator"]["name"] == "Ministry of Economy and Finance"
    assert "Ministerio" not in json.dumps(data, ensure_ascii=False)


def test_commitment_has_its_period_and_ogp_identifier(app):
    data, _ = _json_ld(app, "/commitment/compromiso-uno")

    assert data["temporalCoverage"] == "2019-09-01/2021-08-31"
    assert "EC0001" in data["identifier"]


def test_a_short_description_is_completed_to_googles_minimum(app):
    data, _ = _json_ld(app, "/procurement/compras-2024")  # no description at all

    assert len(data["description"]) >= schema_org.DESCRIPTION_MIN
    assert "Compras 2024" in data["description"]
    assert "Ministerio de Economía y Finanzas" in data["description"]


def test_a_long_description_is_cut_to_googles_maximum(app):
    data, _ = _json_ld(app, "/dataset/registro-largo")

    assert len(data["description"]) <= schema_org.DESCRIPTION_MAX
    assert data["description"].endswith("…")
    assert data["description"].startswith("Registro detallado de compras.")


def test_a_title_cannot_end_the_script_element(app):
    data, body = _json_ld(app, "/dataset/titulo-hostil")

    assert data["name"] == of.HOSTILE_TITLE  # the JSON still carries the exact title
    assert '</script><script>alert("x")' not in body


@pytest.mark.parametrize("url", ["/dataset/presupuesto-2024", "/en/dataset/presupuesto-2024",
                                 "/commitment/compromiso-uno"])
def test_dataset_page_links_the_open_formats(app, url):
    soup = BeautifulSoup(app.get(url).body, "html.parser")
    links = {a["data-format"]: a for a in soup.select(".ogp-reuse a[data-format]")}

    assert links["datajson"]["href"].endswith("/catalog/data.json")
    assert links["dcat-us"]["href"].endswith("/catalog/dcat-us.json")
    assert links["sitemap"]["href"].endswith("/sitemap.xml")
    assert all(links[key].get_text(strip=True) for key in ("datajson", "dcat-us", "sitemap"))


@pytest.mark.parametrize("url", ["/api-help", "/en/api-help"])
def test_api_help_shows_the_open_formats(app, url):
    soup = BeautifulSoup(app.get(url).body, "html.parser")
    section = soup.find(id="api-open-formats")
    hrefs = [a["href"] for a in soup.select("pre.ogp-code a")]

    assert section is not None
    assert any(h.endswith("/catalog/data.json") for h in hrefs)
    assert any(h.endswith("/catalog/dcat-us.json") for h in hrefs)
    assert any(h.endswith("/sitemap.xml") for h in hrefs)


def test_description_rules_without_a_page():
    short = schema_org.description_for_search_engines("", "X", "Dataset", "", "P")
    exact = schema_org.description_for_search_engines("a" * 50, "X", "Dataset", "", "P")
    long = schema_org.description_for_search_engines("palabra " * 1000, "X", "Dataset", "", "P")

    assert len(short) >= 50
    assert exact == "a" * 50
    assert len(long) <= 5000 and long.endswith("palabra…")


def test_a_dataset_that_cannot_be_described_keeps_its_page(app, monkeypatch):
    def failing(*args, **kwargs):
        raise AttributeError("'list' object has no attribute 'get'")

    monkeypatch.setattr(schema_org, "dataset_to_schema_org", failing)

    response = app.get("/dataset/presupuesto-2024")

    assert response.status_code == 200
    assert 'application/ld+json">{' not in response.body
