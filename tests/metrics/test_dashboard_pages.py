"""The publishers dashboard's pages show the figures of a small constructed portal, in
Spanish by default and in English under /en/, with working filters and drill-down links."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from tests.metrics.dashboard_portal import NO_CACHE, app, portal, token  # noqa: F401 - the module's fixtures

pytestmark = NO_CACHE



def _page(app, portal, url, user="sysadmin", status=200):
    response = app.get(url, headers=token(portal[user]), status=status)
    return BeautifulSoup(response.body, "html.parser")


def _figure(page, key):
    return page.select_one(f'[data-figure="{key}"] .figure-value').get_text(strip=True)


def _row(page, table_id, first_cell):
    """The cells' texts of the row of ``table_id`` whose first header/cell is ``first_cell``."""
    for tr in page.select(f"#{table_id} tbody tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        if first_cell in cells[:2]:
            return cells
    found = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])][:2]
             for tr in page.select(f"#{table_id} tbody tr")]
    raise AssertionError(f"no row {first_cell!r} in #{table_id}: {found}")


def test_dashboard_shows_headline_figures_in_spanish(app, portal):
    page = _page(app, portal, "/publishers")

    assert page.html["lang"].startswith("es")
    assert _figure(page, "datasets_public") == "5"
    assert _figure(page, "datasets_private") == "1"
    assert _figure(page, "institutions_publishing") == "3"
    assert _figure(page, "institutions_total") == "4"
    assert _figure(page, "overdue") == "2"


def test_dashboard_counts_commitments_with_and_without_evidence(app, portal):
    from ckan.tests.helpers import call_action
    summary = call_action("ogpcatalog_metrics_summary_show")["commitments"]
    page = _page(app, portal, "/publishers")
    assert _figure(page, "commitments_with_evidence") == str(summary["with_evidence"])
    assert _figure(page, "commitments_without_evidence") == str(summary["without_evidence"])
    assert "Compromisos sin evidencia" in page.get_text()


def test_dashboard_in_english_has_the_same_figures(app, portal):
    page = _page(app, portal, "/en/publishers")

    assert page.html["lang"].startswith("en")
    assert page.find("h1").get_text(strip=True) == "Publishers dashboard"
    assert _figure(page, "datasets_public") == "5"
    assert "Compliance ranking" in page.get_text()


def test_institutions_table_has_each_institutions_numbers(app, portal):
    page = _page(app, portal, "/en/publishers")
    msp = _row(page, "institutions-table", "Ministerio de Salud Pública (en)")

    # rank, institution, type, public, private, harvested, resources, up to date, overdue, ...
    assert msp[3:6] == ["3", "1", "0"]
    assert msp[8] == "2"


def test_coverage_matrix_counts_datasets_by_type_and_by_theme(app, portal):
    by_type = _page(app, portal, "/en/publishers")
    by_theme = _page(app, portal, "/en/publishers?by=theme")

    headers = [th.get_text(strip=True) for th in by_type.select("#coverage-table thead th")]
    sercop = _row(by_type, "coverage-table", "Servicio de Contratación Pública (en)")
    assert sercop[headers.index("Public procurement")] == "1"
    msp = _row(by_theme, "coverage-table", "Ministerio de Salud Pública (en)")
    theme_headers = [th.get_text(strip=True) for th in by_theme.select("#coverage-table thead th")]
    assert msp[theme_headers.index("Health")] == "3"
    assert "ogp-heat-7" in str(by_theme.select_one("#coverage-table"))  # the fullest cell is darkest


def test_compliance_ranking_lists_ministries_with_their_obligations(app, portal):
    page = _page(app, portal, "/en/publishers")
    senescyt = _row(page, "ranking-table", "Secretaría de Educación Superior (en)")

    # institution, rank, applicable, met, missing, overdue, type, compliance
    assert senescyt[2:6] == ["1", "0", "1", "0"]
    assert page.select_one("#ranking-table")["data-module"] == "ogpcatalog-chart"


def test_time_series_table_holds_todays_snapshot(app, portal):
    page = _page(app, portal, "/en/publishers")
    rows = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
            for tr in page.select("#timeseries-table tbody tr")]

    assert rows, "the time series table is empty"
    assert rows[-1][1:] == ["5", "3"]


def test_filter_by_institution_type_restricts_every_table(app, portal):
    page = _page(app, portal, "/en/publishers?institution_type=agency")

    assert _figure(page, "datasets_public") == "1"
    names = [tr["data-institution"] for tr in page.select("#institutions-table tbody tr")]
    assert sorted(names) == ["inyeccion", "sercop"]
    assert page.select_one('#filter-institution_type option[selected]')["value"] == "agency"


def test_filter_by_sector_and_dataset_type(app, portal):
    health = _page(app, portal, "/en/publishers?sector=07")
    procurement = _page(app, portal, "/en/publishers?dataset_type=procurement")

    assert _figure(health, "datasets_public") == "3"
    assert _figure(procurement, "datasets_public") == "1"


def test_export_links_keep_the_filters(app, portal):
    page = _page(app, portal, "/en/publishers?sector=07")
    links = [a["href"] for a in page.select("#institutions .ogp-metrics-exports a")]

    assert sorted(h.split("?")[0].rsplit(".", 1)[1] for h in links) == ["csv", "json", "xlsx"]
    assert all("sector=07" in href for href in links)


def test_dashboard_links_to_each_institutions_page(app, portal):
    page = _page(app, portal, "/publishers")

    assert page.select_one('#institutions-table a[href$="/publishers/msp"]') is not None


def test_institution_page_lists_overdue_datasets_with_edit_links(app, portal):
    page = _page(app, portal, "/en/publishers/msp")
    overdue = {tr["data-dataset"]: tr for tr in page.select("#overdue-table tbody tr")}

    assert sorted(overdue) == ["camas-hospitalarias", "estructura-organica-msp"]
    row = overdue["camas-hospitalarias"]
    assert row.select_one('a[href$="/dataset/edit/camas-hospitalarias"]') is not None
    assert "2020-01-15" in row.get_text()
    assert _figure(page, "public") == "3" and _figure(page, "overdue") == "2"


def test_institution_page_shows_a_missing_obligation_with_a_link_to_publish_it(app, portal):
    page = _page(app, portal, "/en/publishers/senescyt")
    row = page.select_one('#obligations-table tr[data-obligation="estructura-organica"]')

    assert row["data-status"] == "missing"
    assert "Missing" in row.get_text()
    link = row.select_one("a.btn")["href"]
    assert "/dataset/new?" in link and "obligation-estructura-organica" in link


def test_institution_page_shows_an_overdue_obligation_with_its_dataset(app, portal):
    page = _page(app, portal, "/en/publishers/msp")
    row = page.select_one('#obligations-table tr[data-obligation="estructura-organica"]')

    assert row["data-status"] == "overdue"
    assert row.select_one('a[href$="/dataset/edit/estructura-organica-msp"]') is not None


def test_institution_page_in_spanish(app, portal):
    page = _page(app, portal, "/publishers/msp")

    assert page.html["lang"].startswith("es")
    assert page.find("h1").get_text(strip=True) == "Ministerio de Salud Pública"


def test_institution_page_harvest_section_says_when_there_is_no_source(app, portal):
    page = _page(app, portal, "/en/publishers/sercop")

    assert "no harvest source" in page.select_one("#harvest").get_text()


def test_unknown_institution_is_404(app, portal):
    _page(app, portal, "/publishers/no-existe", status=404)


@pytest.mark.parametrize("query", ["page=abc", "page=0", "by=color", "matrix_page=-1", "sector=99",
                                   "institution_type=planet", "sort=colour+asc"])
def test_bad_paging_or_dimension_is_a_400_naming_the_field(app, portal, query):
    response = app.get(f"/en/publishers?{query}", headers=token(portal["sysadmin"]), status=400)

    assert query.split("=")[0] in response.body


def test_sysadmin_area_links_to_the_dashboard(app, portal):
    page = _page(app, portal, "/ckan-admin")

    assert page.select_one('a[href$="/publishers/"]') is not None or page.select_one('a[href$="/publishers"]') is not None


# --- the cache of portal-wide answers ---------------------------------------------------------

@pytest.fixture
def cache(ckan_config, monkeypatch):
    """Answers reused for 60 seconds; no cached answer before or after the test."""
    from ckan.lib.redis import connect_to_redis

    from ckanext.ogpcatalog.metrics.cache import CACHE_PREFIX

    monkeypatch.setitem(ckan_config, "ckanext.ogpcatalog.metrics.dashboard_cache_seconds", 60)
    redis = connect_to_redis()

    def keys():
        return sorted(redis.scan_iter(CACHE_PREFIX + "*"))

    for key in keys():
        redis.delete(key)
    yield redis, keys
    for key in keys():
        redis.delete(key)


def test_portal_answers_are_reused_within_the_cache_time(app, portal, cache):
    redis, keys = cache
    _page(app, portal, "/en/publishers")
    answers = {key: json.loads(redis.get(key)) for key in keys()}
    summary_key = next(key for key, answer in answers.items()
                       if isinstance(answer, dict) and "publishing_by_type" in answer)
    answer = json.loads(redis.get(summary_key))
    answer["datasets"]["public"] = 999
    redis.set(summary_key, json.dumps(answer), keepttl=True)

    assert 0 < redis.ttl(summary_key) <= 60
    assert _figure(_page(app, portal, "/en/publishers"), "datasets_public") == "999"
    assert _figure(_page(app, portal, "/publishers"), "datasets_public") == "5"  # another language


def test_cached_answers_are_still_refused_to_visitors_without_access(app, portal, cache):
    _page(app, portal, "/en/publishers")
    assert cache[1]()

    _page(app, portal, "/en/publishers", user="stranger", status=403)
    app.get("/en/publishers/export/summary.csv", status=403)


def test_an_institutions_page_is_always_computed_afresh(app, portal, cache):
    _page(app, portal, "/en/publishers/msp")

    assert cache[1]() == []
