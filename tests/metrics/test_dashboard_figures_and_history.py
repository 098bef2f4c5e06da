"""The dashboard as issue 18 found it wanting: tiles with distinct labels, the by-type table
with both visibilities, the overdue datasets listed on the page, the history chart that follows
the filters, and harvest notices (unknown publishers) that are not counted as errors."""
from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from ckan.tests.helpers import call_action

from tests.metrics.dashboard_portal import NO_CACHE, app, portal, token  # noqa: F401 - the module's fixtures

pytestmark = NO_CACHE


def _page(app, portal, url):
    response = app.get(url, headers=token(portal["sysadmin"]), status=200)
    return BeautifulSoup(response.body, "html.parser")


@pytest.mark.parametrize("url", ["/publishers", "/en/publishers"])
def test_every_headline_tile_has_its_own_label(app, portal, url):
    labels = [li.select_one(".figure-label").get_text(strip=True)
              for li in _page(app, portal, url).select(".ogp-metrics-figures li")]
    assert len(labels) == len(set(labels)), labels


def test_table_of_datasets_by_type_counts_public_and_private(app, portal):
    page = _page(app, portal, "/en/publishers")
    rows = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in page.select("#datasets-by-type tbody tr")}
    headers = [th.get_text(strip=True) for th in page.select("#datasets-by-type thead th")]
    assert headers == ["Type", "Public datasets", "Private datasets"]
    # msp's "Borrador interno" is the portal's one private dataset
    assert rows["Datasets"] == ["4", "1"]
    assert rows["Public procurement"] == ["1", "0"]


def test_overdue_datasets_are_listed_on_the_dashboard_with_their_due_dates(app, portal):
    page = _page(app, portal, "/publishers")
    rows = page.select("#overdue-table tbody tr")
    assert sorted(tr["data-dataset"] for tr in rows) == ["camas-hospitalarias",
                                                         "estructura-organica-msp"]
    for tr in rows:
        assert tr.find("time")["datetime"][:4].isdigit()


def test_overdue_section_says_so_when_nothing_is_overdue(app, portal):
    page = _page(app, portal, "/en/publishers?institution_type=agency")
    section = page.select_one("#downloads")
    assert not section.select("#overdue-table")
    assert "No overdue dataset." in section.get_text()


def _series(page) -> list[list[str]]:
    return [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
            for tr in page.select("#timeseries-table tbody tr")]


def test_history_chart_follows_the_filters(app, portal):
    everything = _series(_page(app, portal, "/publishers"))
    agencies = _series(_page(app, portal, "/publishers?institution_type=agency"))
    # the last point: 5 public datasets of 3 institutions; of the agencies, sercop's one
    assert everything[-1][1:] == ["5", "3"]
    assert agencies[-1][1:] == ["1", "1"]


def test_filtered_history_counts_datasets_by_their_creation_month(portal):
    from ckan import model
    model.Session.execute(model.package_table.update().where(
        model.package_table.c.name == "becas-2025").values(
            metadata_created=datetime.datetime(2025, 3, 10)))
    model.Session.commit()
    try:
        result = call_action("ogpcatalog_metrics_timeseries_show", indicator="datasets_public",
                             sector="09")
    finally:
        model.Session.execute(model.package_table.update().where(
            model.package_table.c.name == "becas-2025").values(
                metadata_created=datetime.datetime.utcnow()))
        model.Session.commit()
    points = result["points"]
    assert points[0] == {"date": "2025-03-31", "value": 1.0, "source": "rebuilt"}
    assert len(points) >= 10 and all(p["value"] == 1.0 for p in points)


def test_filtered_history_refuses_indicators_it_cannot_rebuild(portal):
    import ckan.plugins.toolkit as tk
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_metrics_timeseries_show", indicator="quality_average",
                    institution_type="agency")
    assert "indicator" in error.value.error_dict


def test_harvest_notices_are_not_errors(portal):
    """A job whose only messages are notices (unknown publishers) is a successful run."""
    from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestObjectExtra, HarvestSource

    context = {"user": portal["sysadmin"]["name"], "ignore_auth": True}
    created = call_action("harvest_source_create", context=context, name="fuente-sercop",
                          title="Catálogo del SERCOP", url="https://datos.example.gob/sercop.ttl",
                          source_type="dcat_rdf", owner_org=portal["sercop"]["id"])
    source = HarvestSource.get(created["id"])
    finished = datetime.datetime.utcnow().replace(microsecond=0)
    job = HarvestJob(source=source, status="Finished", gather_started=finished,
                     gather_finished=finished, finished=finished)
    job.save()
    harvested = HarvestObject(guid="compras", job=job, source=source, current=True,
                              state="COMPLETE", report_status="added")
    harvested.save()
    HarvestObjectExtra(object=harvested, key="notice",
                       value='Publicador desconocido "Agencia X" ...').save()

    [health] = call_action("ogpcatalog_institution_metrics_show", context=context,
                           id="sercop")["harvest"]
    assert health["last_run_errors"] == 0
    assert health["last_run_notices"] == 1
    assert health["last_successful_run"] == finished.isoformat()
    job_dict = call_action("harvest_job_show", context=context, id=job.id)
    assert job_dict["stats"]["errored"] == 0


def test_institution_page_names_overdue_and_low_quality_datasets_in_the_visitors_language(app, portal):
    page = _page(app, portal, "/en/publishers/msp")
    titles = [a.get_text(strip=True) for a in page.select("#overdue-table tbody th a")]
    assert "Camas hospitalarias (en)" in titles, titles
    assert "Camas hospitalarias" not in titles
