"""A ministry editor, starting from the home page, finds the procurement form, publishes a
procurement dataset with an OCDS file, reads the file's validation report, then finds the
commitment form the same way and records a commitment. All in Spanish."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

OCDS = Path(__file__).resolve().parents[1] / "data" / "ocds"


def _open_from_home(journey, menu_label: str, new_path: str) -> None:
    """Home page -> the main menu's entry -> the list's "add" button."""
    page = journey.page
    journey.go("/")
    page.locator("header nav a, .masthead nav a", has_text=menu_label).first.click()
    page.wait_for_load_state()
    journey.step(f"{menu_label} list")
    page.locator(f"a[href$='{new_path}']").first.click()
    page.wait_for_url(f"**{new_path}")
    page.wait_for_load_state()


def _wait_for_validation(api, dataset: str, seconds: int = 180) -> dict:
    deadline = time.time() + seconds
    while time.time() < deadline:
        resource = api("package_show", id=dataset)["resources"][0]
        summary = resource.get("ocds_summary") or {}
        if isinstance(summary, dict) and summary.get("status") not in (None, "", "pending"):
            return summary
        time.sleep(3)
    pytest.fail(f"the OCDS validation of {dataset} did not finish in {seconds} s (jobs worker?)")


def test_editor_finds_the_forms_from_home_publishes_ocds_and_reads_the_report(
        journey, api, ministry_editor, unique):
    page = journey.page
    # (language findings recorded in checks.json; the visitors' journeys are held to them)
    title = f"Compras públicas {unique} 2025"
    journey.wrote(title, f"Public procurement {unique} 2025", f"Procesos {unique} (OCDS)",
                  f"Compromiso {unique}", f"Commitment {unique}", unique.upper())
    journey.login(ministry_editor["name"], ministry_editor["password"])
    journey.go("/")
    journey.step("home page")

    # The procurement form, from the home page's menu.
    _open_from_home(journey, "Contratación pública", "/procurement/new")
    assert page.locator("html").get_attribute("lang") == "es"
    journey.step("empty procurement form")

    # A mistake: the period ends before it starts.
    page.fill("#field-title_translated-es", title)
    page.fill("#field-title_translated-en", f"Public procurement {unique} 2025")
    page.fill("#field-notes_translated-es", "Procesos de contratación del servicio, por trimestre.")
    page.select_option("select[name=owner_org]", ministry_editor["institution_id"])
    page.check("#field-stages-tender")
    page.check("#field-procurement_methods-open")
    page.fill("#field-period_start", "2025-06-30")
    page.fill("#field-period_end", "2025-01-01")
    page.click("button[name=save]")
    page.wait_for_load_state()
    errors = page.locator(".error-explanation").inner_text()
    journey.step("errors in Spanish")
    assert "Fin del periodo cubierto" in errors, errors
    assert "period_end" not in errors  # fields are named by their labels, not their keys

    # Fixed: the second stage asks for the first resource: an OCDS file, uploaded.
    page.fill("#field-period_end", "2025-12-31")
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert "/resource/new" in page.url or "/new_resource" in page.url, page.url
    journey.step("resource form")
    page.fill("#field-name", f"Procesos {unique} (OCDS)")
    page.set_input_files("#field-resource-upload", str(OCDS / "release-package-invalid.json"))
    page.locator("button[name=save][value=go-metadata]").click()
    page.wait_for_load_state()
    journey.step("dataset published")
    assert title in page.locator("h1").first.inner_text()
    dataset = page.url.rstrip("/").rsplit("/", 1)[-1]

    # The validation runs in the background; its report names the file's problems in Spanish.
    summary = _wait_for_validation(api, dataset)
    assert summary["status"] == "invalid", summary
    resource_id = api("package_show", id=dataset)["resources"][0]["id"]
    journey.go(f"/procurement/{dataset}")
    journey.step("dataset page with the OCDS badge")
    badge = page.locator(".ogpcatalog-ocds-badge >> visible=true")
    if not badge.count():  # on the resource page, behind "Mostrar más"
        journey.go(f"/procurement/{dataset}/resource/{resource_id}")
        page.locator(".toggle-show-more, a:has-text('Mostrar más')").first.click()
        journey.step("resource page with its OCDS badge")
    badge.first.click()
    page.wait_for_load_state()
    journey.step("OCDS validation report")
    assert f"/ocds/{resource_id}" in page.url
    report = page.locator("main, #content, body").first.inner_text()
    assert page.locator("table").count() >= 1, report[:2000]

    # The commitment form, from the home page's menu as well.
    _open_from_home(journey, "Compromisos", "/commitment/new")
    journey.step("empty commitment form")
    page.fill("#field-ogp_id", f"EC{int(unique[3:], 16) % 9000 + 1000}")  # not a demo one (EC00nn)
    page.fill("#field-title_translated-es", f"Compromiso {unique}")
    page.fill("#field-title_translated-en", f"Commitment {unique}")
    plan = page.locator("#field-action_plan option:not([value=''])").first.get_attribute("value")
    page.select_option("#field-action_plan", plan)
    owner = page.locator("select[name=owner_org]")
    if owner.count():
        owner.select_option(ministry_editor["institution_id"])
    page.click("button[name=save]")
    page.wait_for_load_state()
    journey.step("commitment saved")
    assert not page.locator(".error-explanation").count(), page.locator(".error-explanation").inner_text()
    if "/resource/new" in page.url or "/new_resource" in page.url:
        page.locator("button[name=save][value=go-metadata]").click()
        page.wait_for_load_state()
        journey.step("commitment published")
    assert f"Compromiso {unique}" in page.locator("h1").first.inner_text()
