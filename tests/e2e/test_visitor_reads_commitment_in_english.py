"""A visitor switches the portal to English and reads an OGP commitment."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

COMMITMENT = "ec0002-portal-datos-abiertos"  # demo content: three milestones, one with evidence


def test_visitor_switches_to_english_and_reads_commitment_milestones_and_evidence(journey, api):
    page = journey.page
    journey.language_strict = True
    commitment = api("package_show", id=COMMITMENT)
    evidence = [name for milestone in commitment["milestones"]
                for name in milestone.get("evidence_datasets") or []]
    assert evidence, "the demo commitment cites evidence datasets"

    journey.go(f"/commitment/{COMMITMENT}")
    assert page.locator("html").get_attribute("lang") == "es"
    assert commitment["title_translated"]["es"] in page.locator("h1").first.inner_text()
    journey.step("commitment in Spanish")

    # CKAN's language switcher in the footer (a select that redirects on change).
    page.select_option("#field-lang-select", f"/en/commitment/{COMMITMENT}")
    page.wait_for_url(f"**/en/commitment/{COMMITMENT}")
    page.wait_for_load_state()
    journey.step("commitment in English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert commitment["title_translated"]["en"] in page.locator("h1").first.inner_text()
    body = page.locator("body").inner_text()
    for milestone in commitment["milestones"]:
        assert milestone["description"]["en"] in body, milestone["description"]["en"]
        assert milestone["description"]["es"] not in body
    assert "Milestones" in body and "Hitos" not in body

    # Each evidence dataset is linked, named in English, and opens in English.
    for name in evidence:
        link = page.locator(f"a[href$='/dataset/{name}']").first
        assert link.count() == 1, f"no link to the evidence dataset {name}"
        dataset = api("package_show", id=name)
        assert dataset["title_translated"]["en"] in link.inner_text()
    page.locator(f"a[href$='/dataset/{evidence[0]}']").first.click()
    page.wait_for_load_state()
    journey.step("evidence dataset in English")
    assert f"/en/dataset/{evidence[0]}" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
