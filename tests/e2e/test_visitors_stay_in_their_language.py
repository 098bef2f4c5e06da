"""Two visitors read the portal without an account, one in English and one in Spanish, and
never meet UI text of the other language: every page they visit is language-checked
(language.py: the catalogues' messages, the vocabulary and the function words of the other
language, user content aside) and checked with axe-core, by the journey fixture.

Both walk the same way: home, a search, a dataset, procurement and one process, commitments
and one commitment, an action plan, institutions and one institution, themes and one theme
(named in the visitor's language), the publishers dashboard and one institution's figures, the
About page and the API help.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

COMMITMENT = "ec0002-portal-datos-abiertos"


def _first_link(page, prefix: str, exclude: tuple[str, ...] = ()) -> str:
    """The first link in the page's main content to ``prefix<name>`` (a detail page)."""
    for href in page.locator(f"main a[href*='{prefix}'], #content a[href*='{prefix}']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"):
        path = href.split("?")[0].split("#")[0]
        rest = path.split(prefix, 1)[1] if prefix in path else ""
        if rest and "/" not in rest.strip("/") and rest.strip("/") not in exclude:
            return path
    raise AssertionError(f"no link to {prefix}<name> on {page.url}")


def _walk(journey, prefix: str, search_word: str, theme_name: str) -> None:
    page = journey.page
    journey.language_strict = True
    journey.go(f"{prefix}/")
    journey.step("home page")
    page.fill("#ogp-home-q", search_word)  # the home page's search box
    page.press("#ogp-home-q", "Enter")
    page.wait_for_load_state()
    journey.step("search results")
    dataset = _first_link(page, "/dataset/", exclude=("new",))
    journey.go(dataset if dataset.startswith(prefix + "/") else prefix + dataset)
    journey.step("dataset page")

    journey.go(f"{prefix}/procurement/")
    journey.step("procurement list")
    process = _first_link(page, "/procurement/", exclude=("new",))
    journey.go(process if process.startswith(prefix + "/") else prefix + process)
    journey.step("procurement process")

    journey.go(f"{prefix}/commitment/")
    journey.step("commitments list")
    journey.go(f"{prefix}/commitment/{COMMITMENT}")
    journey.step("commitment")
    journey.go(f"{prefix}/action-plan/")
    journey.step("action plans")

    journey.go(f"{prefix}/organization/")
    journey.step("institutions")
    journey.go(f"{prefix}/organization/sercop")
    journey.step("institution")
    journey.go(f"{prefix}/group/")
    journey.step("themes")
    assert page.locator(".media-heading", has_text=theme_name).count() == 1
    journey.go(f"{prefix}/group/salud")
    journey.step("theme")
    # the theme in the visitor's language (schemas/theme.yaml): sidebar and breadcrumb
    assert page.locator("#group-info .heading").inner_text().strip() == theme_name
    assert page.locator(".breadcrumb li.active").inner_text().strip() == theme_name

    journey.go(f"{prefix}/publishers/")
    journey.step("publishers dashboard")
    journey.go(f"{prefix}/publishers/sercop")
    journey.step("institution figures")
    journey.go(f"{prefix}/about")
    journey.step("about")
    journey.go(f"{prefix}/api-help")
    journey.step("api help")


def test_visitor_in_english_never_meets_spanish_ui_text(journey):
    _walk(journey, "/en", "health", "Health")
    assert journey.page.locator("html").get_attribute("lang") == "en"


def test_visitor_in_spanish_never_meets_english_ui_text(journey):
    _walk(journey, "", "salud", "Salud")
    assert journey.page.locator("html").get_attribute("lang") == "es"
