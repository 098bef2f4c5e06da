"""A ministry editor publishes a procurement dataset through the Spanish forms."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_editor_creates_procurement_dataset_fixes_errors_adds_resource_and_finds_it(
        journey, ministry_editor, unique):
    page = journey.page
    journey.login(ministry_editor["name"], ministry_editor["password"])
    journey.go("/procurement/new")
    assert "Crear conjunto de contratación pública" in page.title()
    journey.step("empty form in Spanish")

    # A mistake: the period ends before it starts.
    page.fill("#field-title_translated-es", f"Compras públicas {unique} 2025")
    page.fill("#field-title_translated-en", f"Public procurement {unique} 2025")
    page.fill("#field-notes_translated-es", "Procesos de contratación del servicio, por trimestre.")
    page.select_option("select[name=owner_org]", ministry_editor["institution_id"])
    page.check("#field-stages-tender")
    page.check("#field-procurement_methods-open")
    page.fill("#field-period_start", "2025-06-30")
    page.fill("#field-period_end", "2025-01-01")
    journey.step("filled with a mistake")
    page.click("button[name=save]")
    page.wait_for_load_state()

    errors = page.locator(".error-explanation").inner_text()
    journey.step("errors in Spanish")
    assert "Fin del periodo cubierto" in errors, errors
    assert "period_end" not in errors  # fields are named by their labels, not their keys
    field_error = page.locator("#field-period_end").locator("xpath=ancestor::div[contains(@class,'form-group')]")
    assert "anterior" in field_error.inner_text() or "antes" in field_error.inner_text(), field_error.inner_text()

    # Fixed: CKAN's second stage asks for the first resource.
    page.fill("#field-period_end", "2025-12-31")
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert "/resource/new" in page.url or "/new_resource" in page.url, page.url
    journey.step("resource form")
    page.fill("#field-name", f"Procesos {unique} (OCDS)")
    page.click("#resource-link-button")  # "Enlace"
    page.fill("#field-resource-url", "https://datos.example.gob.ec/ocds/2025.json")
    page.locator("button[name=save][value=go-metadata]").click()
    page.wait_for_load_state()
    journey.step("dataset published")
    assert f"Compras públicas {unique} 2025" in page.locator("h1").first.inner_text()
    assert f"Procesos {unique} (OCDS)" in page.content()

    # Found through search, then narrowed by a facet.
    journey.go(f"/dataset/?q={unique}")
    journey.step("search results")
    results = page.locator(".dataset-list .dataset-item")
    assert results.count() == 1
    assert f"Compras públicas {unique} 2025" in results.first.inner_text()
    page.locator(".nav-facet a", has_text="Contratación pública").first.click()
    page.wait_for_url("**dataset_type=procurement**")
    page.wait_for_load_state()
    journey.step("narrowed by the type facet")
    assert page.locator(".dataset-list .dataset-item").count() == 1
