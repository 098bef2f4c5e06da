"""Stored XSS: script payloads in every free-text and bilingual field are shown as text.

Datasets of each type are created through the API with payloads in their plain, bilingual,
markdown and repeating-subfield texts, tags and resources; every page that shows them is
opened in Chromium, and no payload may run (no dialog, no global set by the payload, no
``javascript:`` link, no event-handler attribute of ours in the DOM).
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

MARK = "__ogp_xss"
PAYLOADS = [
    f"<script>window.{MARK}=1;alert(1)</script>",
    f'<img src=x onerror="window.{MARK}=2;alert(2)">',
    f'"><svg onload="window.{MARK}=3;alert(3)">',
    f"[enlace](javascript:window.{MARK}=4;alert(4))",
    f"</textarea><iframe srcdoc=\"<script>parent.{MARK}=5</script>\"></iframe>",
]
TEXT = " ".join(PAYLOADS)


def _bilingual() -> dict[str, str]:
    return {"es": "Texto " + TEXT, "en": "Text " + TEXT}


@pytest.fixture
def hostile_datasets(api, unique):
    plan = "ecuador-2019-2022"
    common = {"owner_org": "sercop", "license_id": "cc-by", "tag_string": f"{unique},xss-onerror",
              "title_translated": {"es": f"Prueba {unique} <script>window.{MARK}=9</script>",
                                   "en": f"Test {unique} <img src=x onerror=window.{MARK}=9>"},
              "notes_translated": _bilingual(),
              "resources": [{"name": "Recurso " + TEXT, "description": TEXT,
                             "url": "https://datos.example.gob.ec/archivo.csv", "format": "CSV"}]}
    created = [
        api("package_create", type="dataset", name=f"xss-dataset-{unique}", **common,
            contact=[{"name": TEXT, "email": "datos@example.gob.ec"}],
            spatial_coverage=[{"text": TEXT}], version="1<script>x</script>"),
        api("package_create", type="procurement", name=f"xss-procurement-{unique}", **common,
            buyer="sercop", buyer_name=_bilingual(), local_method_names=_bilingual(),
            source_system=_bilingual(), stages=["tender"], procurement_methods=["open"],
            period_start="2024-01-01", period_end="2024-12-31", emergency="false"),
        api("package_create", type="commitment", name=f"xss-commitment-{unique}", **common,
            ogp_id="EC9" + str(int(unique[-3:], 16) % 1000).zfill(3), action_plan=plan,
            lead_institution="sercop", problem=_bilingual(),
            supporting_institutions=[{"name": TEXT, "kind": "civil-society"}],
            milestones=[{"description": _bilingual(), "start_date": "2020-01-01",
                         "end_date": "2020-12-31", "status": "completed",
                         "evidence_url": "https://datos.example.gob.ec/evidencia"}]),
    ]
    yield created
    for dataset in created:
        api("dataset_purge", id=dataset["id"])


def _assert_inert(journey, name: str) -> None:
    page = journey.page
    journey.step(name)
    assert page.evaluate(f"typeof window.{MARK}") == "undefined", f"a payload ran on {page.url}"
    assert not journey.dialogs, f"a payload opened a dialog on {page.url}: {journey.dialogs}"
    # (CKAN's own controls use `javascript:;` links and onclick handlers: only ours count.)
    assert page.locator(f"a[href*='{MARK}']").count() == 0, f"a payload's javascript: link on {page.url}"
    assert page.locator("[onerror], [onload]").count() == 0, f"event handler attribute on {page.url}"
    assert page.locator("iframe[srcdoc]").count() == 0


def test_payloads_in_every_text_field_are_inert_on_every_page(journey, api, hostile_datasets, unique,
                                                             sysadmin_login):
    page = journey.page
    for dataset in hostile_datasets:
        for prefix in ("", "/en"):
            journey.go(f"{prefix}/{dataset['type']}/{dataset['name']}")
            assert unique in page.locator("h1").first.inner_text()
            assert "<script>" in page.locator("body").inner_text()  # shown as text, not dropped
            _assert_inert(journey, f"{dataset['type']} page {prefix or 'es'}")
        resource = dataset["resources"][0]
        journey.go(f"/dataset/{dataset['name']}/resource/{resource['id']}")
        _assert_inert(journey, f"{dataset['type']} resource page")
    for path in (f"/dataset/?q={unique}", f"/dataset/?tags={unique}", "/organization/sercop",
                 "/action-plan/ecuador-2019-2022", "/"):
        journey.go(path)
        _assert_inert(journey, f"listing {path}")
    # The editors' view: the edit forms put the texts back into inputs.
    journey.login(*sysadmin_login)
    for dataset in hostile_datasets:
        journey.go(f"/{dataset['type']}/edit/{dataset['name']}")
        _assert_inert(journey, f"{dataset['type']} edit form")
