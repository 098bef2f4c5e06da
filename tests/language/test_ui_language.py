"""Issue 18, "Language, both ways": the portal's types count their search results in
sentences of their own, applied filters show labels, OCDS messages and dates are written in the
visitor's language, API error wrappers are translated, and English pages name institutions and
action plans in English (with a hint when only Spanish exists)."""
from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog import helpers
from ckanext.ogpcatalog.language import api, upstream_messages
from ckanext.ogpcatalog.language.context import language_request
from ckanext.ogpcatalog.ocds import messages

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def portal():
    sysadmin = factories.Sysadmin()
    org = factories.Organization(
        name="mintel", title_translated={"es": "Ministerio de Telecomunicaciones y de la Sociedad de la Información",
                                         "en": "Ministry of Telecommunications and the Information Society"},
        description_translated={"es": "Órgano rector de las telecomunicaciones.",
                                "en": "Governing body of telecommunications."})
    only_spanish = factories.Organization(
        name="mineduc", title_translated={"es": "Ministerio de Educación"},
        description_translated={"es": "Rector del sistema de educación."})
    context = {"user": sysadmin["name"]}
    for number in range(2):
        call_action("package_create", context, type="procurement", name=f"compras-{number}",
                    owner_org=org["id"], title=f"Compras {number}", procurement_methods=["open"])
    call_action("package_create", context, type="dataset", name="escuelas", owner_org=only_spanish["id"],
                title="Escuelas")
    return {"sysadmin": sysadmin, "org": org}


def _soup(app, url, **kwargs):
    return BeautifulSoup(app.get(url, **kwargs).body, "html.parser")


def test_search_pages_count_the_portals_types_in_their_own_words(app, portal):
    english = _soup(app, "/en/procurement/").select_one("form#dataset-search-form h1").get_text(" ", strip=True)
    none = _soup(app, "/en/procurement/?q=zzzz").select_one("form#dataset-search-form h1").get_text(" ", strip=True)
    spanish = _soup(app, "/procurement/?q=zzzz").select_one("form#dataset-search-form h1").get_text(" ", strip=True)
    commitments = _soup(app, "/en/commitment/").select_one("form#dataset-search-form h1").get_text(" ", strip=True)

    assert english == "2 procurement datasets found"
    assert none == 'No procurement datasets found for "zzzz"'
    # core builds "No procurements found" from the machine name: never translatable
    assert "procurements found" not in spanish
    assert commitments == "No commitments found"


def test_an_applied_filter_shows_its_label_even_without_results(app, portal):
    pills = _soup(app, "/en/procurement/?q=zzzz&procurement_methods=open").select(".filter-list .filtered")

    assert [pill.get_text(strip=True) for pill in pills] == ["Open"]


def test_english_pages_name_institutions_in_english_everywhere(app, portal):
    listing = _soup(app, "/en/organization/").get_text(" ", strip=True)
    facets = _soup(app, "/en/procurement/").select_one("section.module")  # the first facet: institutions
    breadcrumb = _soup(app, "/en/procurement/compras-0").select_one(".breadcrumb").get_text(" ", strip=True)

    assert "Governing body of telecommunications." in listing
    assert "Órgano rector" not in listing
    assert "Ministry of Telecommunications and the Information Society" in facets.get_text(" ", strip=True)
    assert "Ministry of Telecommunications and the Information Society" in breadcrumb


def test_a_missing_translation_is_marked_on_english_pages(app, portal):
    item = [li for li in _soup(app, "/en/organization/").select("li.media-item")
            if "Educación" in li.get_text()][0]

    assert item.select(".ogpcatalog-fallback"), "no hint that the text is only in Spanish"
    assert "Only in Spanish" in item.get_text()


def test_facets_of_institutions_show_the_whole_name(app, portal):
    labels = [s.get_text(strip=True) for s in _soup(app, "/procurement/").select(".nav-facet .item-label")]

    assert "Ministerio de Telecomunicaciones y de la Sociedad de la Información" in labels
    assert not any(label == "Ministerio de..." for label in labels)


def test_breadcrumbs_show_the_whole_institution_name(app, portal):
    crumbs = _soup(app, "/organization/mintel").select(".breadcrumb li")

    assert crumbs[-1].get_text(strip=True) == "Ministerio de Telecomunicaciones y de la Sociedad de la Información"


@pytest.mark.parametrize("description, expected", [
    ("Invalid 'uri' found", "The value is not a valid URI"),
    ("'buyer' is not a JSON object", "'buyer' is not a JSON object"),
    ("'version' is missing but required", "'version' is missing but required"),
    ("'id' is missing but required within 'tender'", "'id' is missing but required within 'tender'"),
    ("Array element '2' is not a string. Check that the value is not null, and has quotes at "
     "the start and end. Escape any quotes in the value with '\\'",
     "Element 2 of the list is not a text: it must be in quotes"),
])
def test_ocds_error_descriptions_are_messages_of_the_catalogue(app, description, expected):
    with language_request(app.flask_app, "en"):
        text, translated = messages.error_description(description)

    assert translated is True
    assert text == expected


def test_an_unknown_ocds_description_is_kept_and_marked(app):
    with app.flask_app.test_request_context("/"):
        assert messages.error_description("Something new from lib-cove") == (
            "Something new from lib-cove", False)


def test_dates_with_hours_follow_the_language(app):
    moment = datetime.datetime(2026, 12, 7, 11, 37, 2)
    with language_request(app.flask_app, "es"):
        spanish = helpers.ogpcatalog_datetime(moment)
        iso = helpers.ogpcatalog_datetime("2026-12-07T11:37:02")
    with language_request(app.flask_app, "en"):
        english = helpers.ogpcatalog_datetime(moment)

    assert spanish == iso == "7 de diciembre de 2026, 11:37 (UTC)"
    assert english == "December 7, 2026, 11:37 (UTC)"


def test_api_search_errors_are_worded_in_the_language_asked(app, portal):
    refused = app.get("/api/3/action/package_search", params={"q": "title:("},
                      headers={"Accept-Language": "es"}, status=409).json["error"]["message"]
    wrapped = app.get("/api/3/action/package_search", params={"sort": "foo bar baz"},
                      headers={"Accept-Language": "es"}, status=400).json["error"]["message"]

    for message in (refused, wrapped):
        assert not message.startswith(("Search Query is invalid", "Search error"))
        assert "SOLR" not in message and "'rows'" not in message
    assert "missing closing parenthesis" in refused


def test_core_api_wrappers_are_messages_of_the_catalogue():
    marked = set(upstream_messages.CKAN_CORE_MESSAGES) | set(upstream_messages.HARVEST_MESSAGES) \
        | set(upstream_messages.ACTIVITY_MESSAGES)

    assert {"Access denied: %s", "Not found: %s", "Harvest", "Activities", "Count"} <= marked


def test_search_query_error_message_unwraps_cores_repr(app):
    with language_request(app.flask_app, "en"):
        assert api.search_query_error_message("Search Query is invalid: 'Bad field'") == \
            "Invalid search query: Bad field"
