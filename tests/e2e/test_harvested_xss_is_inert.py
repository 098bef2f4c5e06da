"""Stored XSS through harvesting: a catalogue whose every literal carries script payloads.

The test serves ``tests/data/e2e/hostile_catalog.ttl`` on 127.0.0.1 (titles, descriptions,
keywords, publisher and contact names, distribution titles and descriptions in @es and @en,
``javascript:`` access, download and landing-page addresses), registers it as a harvest source,
lets the portal's workers harvest it, and opens in Chromium every page that shows what came
in: the datasets in Spanish and English, their resources, the search results, the institution,
the harvest source, its job list, the job report (the unknown publishers are named there), the
dry run, the activity streams, the publishers dashboard and the edit forms. No payload may
run, and the titles show the payloads as text.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.test_sysadmin_harvests_ministry_catalogue import remove_source
from tests.e2e.xss import MARK, TEXT, TITLE_TEXT, assert_inert, assert_shown_as_text
from tests.dcat.harvest_server import serving

pytestmark = pytest.mark.e2e

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "e2e" / "hostile_catalog.ttl"
INSTITUTION = "msp"


@pytest.fixture
def hostile_catalogue(unique):
    template = CATALOGUE.read_text(encoding="utf-8")
    body = template.replace("{P}", TEXT).replace("{T}", TITLE_TEXT).replace("{U}", unique).encode()

    with serving(body) as url:
        yield url


@pytest.fixture
def harvested(api, hostile_catalogue, unique):
    """The source (its title hostile too), harvested by the portal's workers; purged after."""
    source = api("harvest_source_create", name=f"hostil-{unique}", url=hostile_catalogue,
                 title=f"Fuente {unique} {TITLE_TEXT}", notes=TEXT, source_type="ogpcatalog_dcat",
                 owner_org=api("organization_show", id=INSTITUTION)["id"], frequency="MANUAL",
                 config='{"default_language": "es"}')
    try:
        api("harvest_job_create", source_id=source["id"], run=True)
        deadline = time.time() + 300
        while time.time() < deadline:
            status = api("harvest_source_show_status", id=source["id"])
            job = status.get("last_job") or {}
            if job.get("status") == "Finished":
                break
            time.sleep(5)
        else:
            pytest.fail(f"the harvest job did not finish in 5 minutes: {status}")
        datasets = api("package_search", fq=f'harvest_source_id:"{source["id"]}"', rows=50)["results"]
        yield {"source": source, "job": job, "datasets": datasets}
    finally:
        remove_source(api, source["id"])


def test_harvested_payloads_are_inert_on_every_page(journey, api, harvested, unique, sysadmin_login):
    page = journey.page
    source, job, datasets = harvested["source"], harvested["job"], harvested["datasets"]
    assert len(datasets) == 2, [d["title"] for d in datasets]
    for number, dataset in enumerate(datasets, 1):
        assert f"<script>window.{MARK}=1" in dataset["title"], "the harvester dropped the title's text"
        for prefix in ("", "/en"):
            journey.go(f"{prefix}/dataset/{dataset['name']}")
            assert unique in page.locator("h1").first.inner_text()
            assert_shown_as_text(journey)
            assert_inert(journey, f"dataset {number} page {prefix or 'es'}")
        for resource in dataset["resources"]:
            for prefix in ("", "/en"):
                journey.go(f"{prefix}/dataset/{dataset['name']}/resource/{resource['id']}")
                assert_inert(journey, f"resource {resource['id'][:8]} {prefix or 'es'}")
    # The @en literals are the English page's, shown as text too.
    one = next(d for d in datasets if "Título uno" in d["title"])
    journey.go(f"/en/dataset/{one['name']}")
    assert f"{unique} Title one <script>window.{MARK}=1" in page.locator("h1").first.inner_text()
    journey.go(f"/dataset/?q={unique}")
    assert page.locator(".dataset-item").count() == 2
    assert_shown_as_text(journey)
    assert_inert(journey, "search results")
    journey.go(f"/en/dataset/?q={unique}")
    assert_inert(journey, "search results en")
    organization = datasets[0]["organization"]["name"]
    journey.go(f"/organization/{organization}?q={unique}")
    assert_inert(journey, "institution page")

    # The harvest pages: public source page, then the administrators' ones.
    journey.go(f"/harvest/{source['name']}")
    assert_shown_as_text(journey)
    assert_inert(journey, "harvest source page")
    journey.login(*sysadmin_login)
    for path, name in ((f"/harvest/admin/{source['name']}", "harvest source admin"),
                       (f"/harvest/{source['name']}/job", "harvest job list"),
                       (f"/harvest/{source['name']}/job/{job['id']}", "harvest job report"),
                       ("/harvest/", "harvest source list"),
                       (f"/dataset/activity/{datasets[0]['name']}", "dataset activity"),
                       (f"/organization/activity/{organization}", "institution activity"),
                       ("/publishers", "publishers dashboard"),
                       (f"/publishers/{organization}", "institution dashboard"),
                       ("/", "home page")):
        journey.go(path)
        assert_inert(journey, name)
    journey.go(f"/harvest/{source['name']}/job/{job['id']}")
    report = page.locator("body").inner_text()
    # The unknown publisher is named in the report, as text.
    assert f"Editorial desconocida {unique} <script>" in report, report[:3000]
    assert f"Agencia hostil {unique} <script>" in report, report[:3000]
    # Our own page: the dry run lists the catalogue's titles.
    journey.go(f"/harvest/{source['name']}/dry-run")
    page.locator("form[action$='/dry-run'] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator(".ogpcatalog-harvest-counts").wait_for()
    assert_inert(journey, "dry run")
    for number, dataset in enumerate(datasets, 1):
        journey.go(f"/dataset/edit/{dataset['name']}")
        assert_inert(journey, f"dataset {number} edit form")
