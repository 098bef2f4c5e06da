"""An editor opens a commitment's form: the datasets already chosen as a milestone's evidence
show inside the picker by title and institution, as the suggestions do (not by their names),
and the picker offers only datasets, never the raw text typed first (issue 18)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

COMMITMENT = "ec0001-politica-datos-abiertos"  # its first milestone names one dataset
FIELD = "#field-milestones-0-evidence_datasets"


def test_chosen_evidence_shows_titles_and_the_picker_offers_only_datasets(journey, api, sysadmin_login):
    page = journey.page
    chosen_name = api("package_show", id=COMMITMENT)["milestones"][0]["evidence_datasets"][0]
    chosen = api("package_show", id=chosen_name)
    journey.login(*sysadmin_login)

    journey.go(f"/commitment/edit/{COMMITMENT}")
    box = page.locator(f"{FIELD} + .select2-container")
    box.scroll_into_view_if_needed()
    journey.step("evidence picker with the chosen dataset")
    box.screenshot(path=str(journey.folder / "picker-chosen.png"))
    choices = box.locator(".select2-selection__choice")
    assert choices.count() == 1
    shown = choices.first.inner_text().replace("×", "").strip()
    assert shown.startswith(chosen["title_translated"]["es"]), shown
    assert " — " in shown and chosen["organization"]["title"] in shown
    assert chosen_name not in shown

    box.locator(".select2-search__field").fill("censo")
    options = page.locator(".select2-results__option--selectable")
    options.first.wait_for()
    journey.step("evidence picker suggestions")
    area = box.bounding_box()
    page.screenshot(path=str(journey.folder / "picker-suggestions.png"),
                    clip={"x": area["x"], "y": area["y"], "width": area["width"], "height": area["height"] + 260})
    texts = [text.strip() for text in options.all_inner_texts()]
    assert texts and texts[0] != "censo", texts  # the typed text is not offered as a value
    assert all(" — " in text for text in texts), texts
    options.first.click()

    assert choices.count() == 2
    now = sorted(text.replace("×", "").strip() for text in choices.all_inner_texts())
    assert now == sorted([shown, texts[0]]), now
    journey.step("evidence picker with a dataset picked by title")
    box.screenshot(path=str(journey.folder / "picker-picked.png"))
    # the form still sends the datasets' names
    sent = page.locator(FIELD).input_value().split(",")
    assert chosen_name in sent and len(sent) == 2 and all(" " not in name for name in sent), sent
