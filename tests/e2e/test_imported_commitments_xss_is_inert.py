"""Stored XSS through the commitments import: a sheet in OGP's column shape whose every text
column (title, short title, full text, theme, lead and supporting institutions, an unknown
column) carries script payloads is imported through ``ogpcatalog_commitments_import`` into an
action plan made for the run (its title and description hostile too). Chromium then opens the
commitments in Spanish and English, the action plan page, the searches and the exports: no
payload may run, the titles show them as text, and the exports are downloads, never HTML.
"""
from __future__ import annotations

import csv
import io
import secrets

import pytest

from tests.e2e.xss import MARK, TEXT, TITLE_TEXT, assert_inert, assert_shown_as_text

pytestmark = pytest.mark.e2e

HEADERS = ["Commitment Unique Identifier", "Country/Locality", "Action Plan Number",
           "Year Of Submission", "Action Plan End Year", "Start Date", "End Date", "Theme",
           "Commitment Title", "Short Title", "Full Text", "Lead Institution",
           "Supporting Institution(s)", "OGP Value: Access to Information",
           "Policy Area: Open Contracting", "Specificity", "Potential Impact", "Completion",
           "Did It Open Government", "Starred", "Notas internas"]


def _sheet(identifiers: list[str], unique: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for number, ogp_id in enumerate(identifiers, 1):
        writer.writerow([ogp_id, "Ecuador", "9", "2031", "2033", "2031-09-01", "2033-08-31",
                         f"Open Data; {TEXT}", f"{unique} Compromiso {number} {TITLE_TEXT}",
                         f"Corto {TITLE_TEXT}", f"Texto completo {TEXT}", f"Institución {TITLE_TEXT}",
                         f"Apoyo uno {TEXT}; Apoyo dos {TEXT}", "1", "1", "High", "Moderate",
                         "Complete", "Major", "0", f"Nota {TEXT}"])
    return out.getvalue()


@pytest.fixture
def hostile_plan(api, unique):
    plan = api("group_create", type="action-plan", name=f"plan-hostil-{unique}",
               title_translated={"es": f"Plan {unique} {TITLE_TEXT}", "en": f"Plan {unique} {TITLE_TEXT}"},
               description_translated={"es": f"Descripción {TEXT}", "en": f"Description {TEXT}"},
               country_or_locality="Ecuador", plan_scope="national", plan_number="9",
               period_start="2031-09-01", period_end="2033-08-31")
    yield plan
    api("group_purge", id=plan["id"])


def _free_identifiers(api, plan: dict, unique: str) -> list[str]:
    """Two OGP identifiers no commitment on the portal has (a dry run would update one)."""
    for _ in range(20):
        identifiers = [f"EC{secrets.randbelow(9000) + 1000}" for _ in range(2)]
        report = api("ogpcatalog_commitments_import", csv=_sheet(identifiers, unique), dry_run=True,
                     action_plan=plan["name"], owner_org="sercop")
        if len(set(identifiers)) == 2 and all(row["outcome"] == "created" for row in report["rows"]):
            return identifiers
    pytest.fail("no free OGP identifiers found")


@pytest.fixture
def imported(api, hostile_plan, unique):
    identifiers = _free_identifiers(api, hostile_plan, unique)
    report = api("ogpcatalog_commitments_import", csv=_sheet(identifiers, unique),
                 action_plan=hostile_plan["name"], owner_org="sercop")
    names = [row["name"] for row in report["rows"] if row.get("name")]
    try:
        assert report["counts"]["created"] == 2, report
        yield [api("package_show", id=name) for name in names]
    finally:
        for name in names:
            api("dataset_purge", id=name)


def test_imported_commitment_payloads_are_inert_on_every_page(journey, api, hostile_plan, imported,
                                                            unique, sysadmin_login):
    page = journey.page
    for number, commitment in enumerate(imported, 1):
        assert f"<script>window.{MARK}=1" in commitment["title"], "the import dropped the title's text"
        for prefix in ("", "/en"):
            journey.go(f"{prefix}/commitment/{commitment['name']}")
            assert unique in page.locator("h1").first.inner_text()
            assert_shown_as_text(journey)
            assert_inert(journey, f"commitment {number} page {prefix or 'es'}")
    for prefix in ("", "/en"):
        journey.go(f"{prefix}/action-plan/{hostile_plan['name']}")
        assert_shown_as_text(journey)
        assert page.locator(f"a[href$='/commitment/{imported[0]['name']}']").count() >= 1
        assert_inert(journey, f"action plan page {prefix or 'es'}")
    for path, name in ((f"/dataset/?q={unique}", "search"), (f"/commitment/?q={unique}", "commitment search"),
                       (f"/en/dataset/?q={unique}", "search en"), ("/action-plan/", "action plans"),
                       (f"/action-plan/about/{hostile_plan['name']}", "action plan about"),
                       (f"/dataset/activity/{imported[0]['name']}", "commitment activity"),
                       ("/", "home page")):
        journey.go(path)
        assert_inert(journey, name)

    # The exports: attachments of CSV/JSON types that the browser downloads, never renders.
    for fmt, mimetype in (("csv", "text/csv"), ("json", "application/json")):
        path = f"/commitments/export.{fmt}?action_plan={hostile_plan['name']}"
        response = page.request.get(journey.url + path)
        assert response.status == 200
        assert response.headers["content-type"].startswith(mimetype), response.headers
        assert response.headers["content-disposition"].startswith("attachment"), response.headers
        assert f"<script>window.{MARK}=1" in response.text()  # the data, unchanged
        journey.go(f"/action-plan/{hostile_plan['name']}")
        with page.expect_download() as download:
            page.evaluate("url => { window.location.href = url; }", journey.url + path)
        assert download.value.suggested_filename.endswith(f".{fmt}")
        assert_inert(journey, f"after the {fmt} export")

    # The editors' view puts the texts back into the inputs.
    journey.login(*sysadmin_login)
    for number, commitment in enumerate(imported, 1):
        journey.go(f"/commitment/edit/{commitment['name']}")
        assert_inert(journey, f"commitment {number} edit form")
    journey.go(f"/action-plan/edit/{hostile_plan['name']}")
    assert_inert(journey, "action plan edit form")
