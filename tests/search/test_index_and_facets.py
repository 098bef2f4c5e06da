"""Schema fields in the search index: codes as exact, filterable, faceted values with labels;
the owner institution's type on its datasets; a commitment listed in its action plan."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from ckanext.ogpcatalog.search import facets

pytestmark = [pytest.mark.search, pytest.mark.usefixtures("with_plugins", "clean_db")]


def _facet(result, name):
    return {item["name"]: item for item in result["search_facets"][name]["items"]}


def test_codelist_fields_filter_and_facet_by_code_with_labels():
    economy = factories.Dataset(theme=["ECON", "GOVE"])
    factories.Dataset(theme=["HEAL"])
    found = helpers.call_action("package_search", fq="theme:ECON", **{"facet.field": '["theme"]'})
    assert [d["id"] for d in found["results"]] == [economy["id"]]
    everything = helpers.call_action("package_search", **{"facet.field": '["theme"]'})
    theme = _facet(everything, "theme")
    assert theme["ECON"]["count"] == 1 and theme["HEAL"]["count"] == 1
    assert theme["ECON"]["display_name"] == "Economía y finanzas"
    assert theme["HEAL"]["display_name"] == "Salud"


def test_codelist_labels_are_searchable_in_both_languages():
    dataset = factories.Dataset(theme=["HEAL"])
    for words in ("Salud", "Health"):
        found = helpers.call_action("package_search", q=words)
        assert [d["id"] for d in found["results"]] == [dataset["id"]], words


def test_institution_type_is_copied_onto_its_datasets():
    ministry = factories.Organization(institution_type="ministry", government_level="national")
    municipality = factories.Organization(institution_type="municipality", government_level="local")
    in_ministry = factories.Dataset(owner_org=ministry["id"])
    factories.Dataset(owner_org=municipality["id"])
    found = helpers.call_action("package_search", fq="institution_type:ministry",
                                **{"facet.field": '["institution_type", "government_level"]'})
    assert [d["id"] for d in found["results"]] == [in_ministry["id"]]
    assert _facet(found, "institution_type")["ministry"]["display_name"] == \
        "Ministerio o secretaría de Estado"


def test_every_facet_of_every_type_has_a_title():
    for package_type in facets.TYPE_FACETS:
        titles = facets.add_facets({}, package_type)
        assert all(title and title != name for name, title in titles.items()), titles


def test_search_page_offers_the_schema_facets_with_labels(app):
    factories.Dataset(theme=["ENVI"])
    body = app.get("/dataset/").body
    assert "Medio ambiente" in body
    assert "/dataset/?theme=ENVI" in body or "theme=ENVI" in body


def test_a_commitment_is_listed_in_its_action_plan_with_the_plan_title_as_facet_label():
    org = factories.Organization()
    plan = helpers.call_action("group_create", {"user": factories.Sysadmin()["name"]},
                               type="action-plan", name="plan-1", country_or_locality="Ecuador",
                               plan_scope="national",
                               title_translated={"es": "Primer plan", "en": "First plan"})
    commitment = factories.Dataset(type="commitment", owner_org=org["id"], ogp_id="EC0001",
                                   action_plan=plan["name"],
                                   title_translated={"es": "Compromiso", "en": "Commitment"})
    found = helpers.call_action("package_search", fq='groups:"plan-1"',
                                **{"facet.field": '["action_plan"]'})
    assert [d["id"] for d in found["results"]] == [commitment["id"]]
    assert _facet(found, "action_plan")["plan-1"]["display_name"] == "Primer plan"


def test_lists_of_codes_are_exact_values_and_institutions_are_labelled_by_title():
    buyer = factories.Organization(title="Ministerio de Salud Pública")
    publisher = factories.Organization()
    dataset = factories.Dataset(type="procurement", owner_org=publisher["id"], buyer=buyer["name"],
                                currencies=["USD", "EUR"], ocid_prefixes=["ocds-abc123"])
    for fq in ("currencies:EUR", "ocid_prefixes:ocds-abc123", f'buyer:"{buyer["name"]}"'):
        found = helpers.call_action("package_search", fq=fq)
        assert [d["id"] for d in found["results"]] == [dataset["id"]], fq
    found = helpers.call_action("package_search", **{"facet.field": '["currencies", "buyer"]'})
    assert set(_facet(found, "currencies")) == {"USD", "EUR"}
    assert _facet(found, "buyer")[buyer["name"]]["display_name"] == "Ministerio de Salud Pública"
