"""Large catalogues (dcat/public_datasets.py): data.json and the sitemap are read page by page
(``ckanext.ogpcatalog.feeds.page_size`` datasets per search) and streamed, and the sitemap is
split in files of ``ckanext.ogpcatalog.feeds.sitemap_urls_per_file`` addresses. A portal of
310 datasets (300 public, general and procurement) with small limits stands for one of millions."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.dcat import public_datasets

from tests.conftest import module_portal
from tests.dcat.open_formats import app  # noqa: F401 - one client on this module's portal

PUBLIC = 300
PAGE_SIZE = 40
URLS_PER_FILE = 120
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _build():
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"], "ignore_auth": True}
    org = factories.Organization(name="inec", title="Instituto de Estadística")
    for number in range(PUBLIC):
        call_action("package_create", context=dict(context), name=f"serie-{number:04d}",
                    owner_org=org["id"], title=f"Serie estadística {number}",
                    type=("dataset", "procurement")[number % 2])
    for number in range(10):
        call_action("package_create", context=dict(context), name=f"oculto-{number:02d}",
                    owner_org=org["id"], title=f"Oculto {number}", private=number % 2 == 0,
                    state="active" if number % 2 == 0 else "draft")


@pytest.fixture(scope="module")
def portal(reset_db, migrate_db_for):
    yield from module_portal(reset_db, migrate_db_for, _build)


@pytest.fixture
def searches(monkeypatch):
    """The ``rows`` of every search the outputs make."""
    rows: list[int] = []
    search = public_datasets._search

    def recording(**params):
        rows.append(params["rows"])
        return search(**params)

    monkeypatch.setattr(public_datasets, "_search", recording)
    return rows


def _locs(app, url, tag):
    root = ET.fromstring(app.get(url).body.encode("utf-8"))
    return [item.findtext("sm:loc", namespaces=NS) for item in root.findall(f"sm:{tag}", NS)]


@pytest.mark.parametrize("url", ["/catalog/data.json", "/catalog/dcat-us.json"])
def test_data_json_lists_every_public_dataset_with_the_default_page_size(app, searches, url):
    catalog = json.loads(app.get(url).body)

    assert len(catalog["dataset"]) == PUBLIC
    assert not any("Oculto" in d["title"] for d in catalog["dataset"])
    assert max(searches) == public_datasets.DEFAULT_PAGE_SIZE  # one page holds them all here


@pytest.mark.ckan_config("ckanext.ogpcatalog.feeds.page_size", PAGE_SIZE)
@pytest.mark.usefixtures("ckan_config")
@pytest.mark.parametrize("url", ["/catalog/data.json", "/catalog/dcat-us.json"])
def test_page_size_bounds_every_search(app, searches, url):
    catalog = json.loads(app.get(url).body)

    assert len(catalog["dataset"]) == PUBLIC
    assert max(searches) == PAGE_SIZE
    assert len(searches) >= PUBLIC // PAGE_SIZE


@pytest.mark.ckan_config("ckanext.ogpcatalog.feeds.page_size", PAGE_SIZE)
@pytest.mark.ckan_config("ckanext.ogpcatalog.feeds.sitemap_urls_per_file", URLS_PER_FILE)
@pytest.mark.usefixtures("ckan_config")
def test_sitemap_is_split_in_files_that_together_list_every_public_page_once(app, searches):
    files = _locs(app, "/sitemap.xml", "sitemap")
    assert files == [f"http://test.ckan.net/sitemap-{n}.xml" for n in (1, 2, 3)]

    pages = [_locs(app, f"/sitemap-{n}.xml", "url") for n in (1, 2, 3)]

    assert [len(p) for p in pages] == [120, 120, 60]
    every = [loc for page in pages for loc in page]
    assert len(set(every)) == PUBLIC
    assert "http://test.ckan.net/procurement/serie-0001" in every
    assert not any("oculto" in loc for loc in every)
    assert max(searches) <= PAGE_SIZE
    app.get("/sitemap-4.xml", status=404)
