"""A portal admin registers a ministry's DCAT catalogue as a harvest source, dry-runs it, runs
it, reads the harvested datasets and the job report, and audits the ministry on the publishers
dashboard (harvest health: a clean run with a notice is a successful run, without errors).

The catalogue is served by the test on 127.0.0.1 (the portal of `make test` allows that
address: HARVEST_ALLOWED_PRIVATE); the portal's own workers (`ckan harvester run` and the
gather/fetch consumers of `make run`) do the harvesting.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from tests.dcat.harvest_server import serving

pytestmark = pytest.mark.e2e

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "dcat" / "harvest" / "catalog.ttl"


@pytest.fixture
def ministry_catalogue(unique):
    """The fixture catalogue, its identifiers and titles made unique to this run."""
    text = CATALOGUE.read_text(encoding="utf-8")
    text = re.sub(r'dct:identifier "msp-', f'dct:identifier "{unique}-msp-', text)
    # Datasets are known by their URIs: this run's are its own (one source never takes over
    # another's datasets, and an earlier run's may still be on the portal).
    text = text.replace("https://datos.salud.example.gob/", f"https://datos.salud.example.gob/{unique}/")
    text = re.sub(r'(a dcat:Dataset ;\s*dct:identifier "[^"]+" ;\s*dct:title ")', rf"\g<1>{unique} ", text)
    body = text.encode("utf-8")

    with serving(body) as url:
        yield url


def remove_source(api, source_id: str) -> None:
    """The source, its jobs and the datasets it harvested, purged."""
    found = api("package_search", fq=f'harvest_source_id:"{source_id}"', rows=1000,
                include_private=True)["results"]
    for dataset in found:
        api("dataset_purge", id=dataset["id"])
    for action, extra in (("harvest_source_clear", {}), ("harvest_source_delete", {"clear_source": True})):
        try:
            api(action, id=source_id, **extra)
        except AssertionError:
            pass
    api("dataset_purge", id=source_id)


@pytest.fixture
def cleanup(api):
    names: list[str] = []
    yield names
    for name in names:
        remove_source(api, api("harvest_source_show", id=name)["id"])


def test_sysadmin_registers_catalogue_runs_it_and_reads_the_job_report(
        journey, api, sysadmin_login, ministry_catalogue, unique, cleanup):
    page = journey.page
    # (language findings recorded in checks.json; the visitors' journeys are held to them)
    journey.wrote(unique, f"Catálogo del Ministerio de Salud {unique}")
    journey.login(*sysadmin_login)
    journey.go("/harvest/new")
    journey.step("new source form in Spanish")
    page.fill("#field-url", ministry_catalogue)
    page.fill("#field-title", f"Catálogo del Ministerio de Salud {unique}")
    page.check("input[name=source_type][value=ogpcatalog_dcat]")
    page.fill("#field-config", '{"default_language": "es"}')
    page.select_option("select[name=owner_org]", api("organization_show", id="msp")["id"])
    page.click("input#save")
    page.wait_for_load_state()
    journey.step("source created")
    name = page.url.rstrip("/").rsplit("/", 1)[-1]  # the slug CKAN made from the title
    cleanup.append(name)
    source = api("harvest_source_show", id=name)
    assert source["url"] == ministry_catalogue

    # A dry run first, from the source's admin page: what would happen, nothing written.
    journey.go(f"/harvest/admin/{name}")
    page.locator(".ogpcatalog-harvest-dry-run a").click()
    page.wait_for_load_state()
    page.locator("form[action$='/dry-run'] button[type=submit]").click()
    page.wait_for_load_state()
    journey.step("dry run result")
    dry_run = page.locator("body").inner_text()
    assert "Agencia de Aseguramiento de la Calidad" in dry_run  # the unknown publisher's notice
    assert api("package_search", fq=f'harvest_source_id:"{source["id"]}"', rows=0)["count"] == 0

    # Run it from the source's admin page (CKAN asks for confirmation).
    journey.go(f"/harvest/admin/{name}")
    page.locator("a[href*='/harvest/refresh/']").first.click()
    confirm = page.locator(".modal .btn-primary").first
    try:
        confirm.wait_for(state="visible", timeout=5_000)
    except Exception:  # the link went through without asking (its confirm module not loaded)
        pass
    else:
        journey.step("confirmation asked")
        confirm.click()
    page.wait_for_load_state()
    journey.step("harvest started")

    deadline = time.time() + 300
    while time.time() < deadline:
        status = api("harvest_source_show_status", id=source["id"])
        last = status.get("last_job") or {}
        if last.get("status") == "Finished":
            break
        time.sleep(5)
    else:
        pytest.fail(f"the harvest job did not finish in 5 minutes: {status}")

    harvested = api("package_search", fq=f'harvest_source_id:"{source["id"]}"', rows=50)["results"]
    titles = sorted(d["title"] for d in harvested)
    assert len(harvested) == 3, titles
    assert all(unique in title for title in titles)

    journey.go(f"/harvest/{name}")
    journey.step("source page lists the harvested datasets")
    for dataset in harvested:
        assert page.locator(f"a[href$='/dataset/{dataset['name']}']").count() >= 1

    job_id = last["id"]
    journey.go(f"/harvest/{name}/job/{job_id}")
    journey.step("job report")
    report = page.locator("body").inner_text()
    assert page.locator("html").get_attribute("lang") == "es"
    assert "3" in report
    # The unknown publisher of the third dataset is reported, not merged silently.
    assert "Agencia de Aseguramiento de la Calidad" in report, report[:3000]
    # ... as a notice, not an error: the job counts no error.
    job = api("harvest_job_show", id=job_id)
    assert job["stats"].get("errored", 0) == 0, job["stats"]
    assert page.locator("#job-notices").count() == 1

    # The audit: the ministry's figures on the publishers dashboard, harvest health included.
    journey.go("/publishers/")
    journey.step("publishers dashboard")
    page.locator("a[href$='/publishers/msp']").first.click()
    page.wait_for_url("**/publishers/msp")
    page.wait_for_load_state()
    journey.step("ministry figures and harvest health")
    row = page.locator(f"#harvest-table tr[data-source='{name}']")
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    # Active, last run, status, errors, notices, last successful run, datasets
    assert cells[3] == "0", cells
    assert cells[4] == "1", cells
    assert cells[5] and cells[5] != "Nunca", cells
    assert cells[6] == "3", cells
