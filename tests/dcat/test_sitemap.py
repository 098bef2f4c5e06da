"""The sitemap (dcat/sitemap.py, views/feeds.py): an index and files of at most 50,000 dataset
pages of every type, ``lastmod`` = the dataset's ``metadata_modified``, alternates in the other
language, only public active datasets; robots.txt names it."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.dcat import sitemap

from tests.dcat.open_formats import app, portal  # noqa: F401 - the module's fixtures

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def _xml(app, url):
    response = app.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.body.encode("utf-8"))


def _urls(app, url):
    root = _xml(app, url)
    return {u.findtext("sm:loc", namespaces=NS): u for u in root.findall("sm:url", NS)}


def test_index_names_one_sitemap_file_for_a_small_portal(app):
    root = _xml(app, "/sitemap.xml")

    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    assert [s.findtext("sm:loc", namespaces=NS) for s in root.findall("sm:sitemap", NS)] == [
        "http://test.ckan.net/sitemap-1.xml"]


def test_sitemap_file_lists_every_public_dataset_page_of_every_type(app, portal):
    urls = _urls(app, "/sitemap-1.xml")

    assert set(urls) == {
        "http://test.ckan.net/dataset/presupuesto-2024",
        "http://test.ckan.net/procurement/compras-2024",
        "http://test.ckan.net/commitment/compromiso-uno",
        "http://test.ckan.net/dataset/registro-largo",
        "http://test.ckan.net/dataset/titulo-hostil"}


def test_private_draft_and_deleted_datasets_are_not_in_the_sitemap(app, portal):
    body = app.get("/sitemap-1.xml").body

    for name in portal["hidden"]:
        assert name not in body


def test_lastmod_is_the_metadata_modified_of_the_dataset(app, portal):
    urls = _urls(app, "/sitemap-1.xml")
    shown = call_action("package_show", id="presupuesto-2024")

    lastmod = urls["http://test.ckan.net/dataset/presupuesto-2024"].findtext("sm:lastmod",
                                                                             namespaces=NS)
    assert lastmod == shown["metadata_modified"].split(".")[0] + "Z"


def test_each_page_names_its_english_version(app):
    url = _urls(app, "/sitemap-1.xml")["http://test.ckan.net/commitment/compromiso-uno"]

    alternates = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)}
    assert alternates == {"es": "http://test.ckan.net/commitment/compromiso-uno",
                          "en": "http://test.ckan.net/en/commitment/compromiso-uno"}


def test_english_pages_open_in_english(app):
    assert "General State Budget 2024" in app.get("/en/dataset/presupuesto-2024").body


def test_a_sitemap_file_beyond_the_last_is_not_found(app):
    assert app.get("/sitemap-2.xml", status=404).status_code == 404
    assert app.get("/sitemap-0.xml", status=404).status_code == 404


def test_robots_txt_points_at_the_sitemap(app):
    response = app.get("/robots.txt")

    assert response.status_code == 200
    assert "Sitemap: http://test.ckan.net/sitemap.xml" in response.body.splitlines()
    assert "Disallow: /api/" in response.body  # CKAN's own rules are kept


def test_urls_per_file_never_exceeds_the_protocol_limit(monkeypatch):
    import ckan.plugins.toolkit as tk

    monkeypatch.setitem(tk.config, "ckanext.ogpcatalog.feeds.sitemap_urls_per_file", 80000)
    assert sitemap.urls_per_file() == 50000
    assert sitemap.file_count(100001) == 3
    assert sitemap.file_count(0) == 1
