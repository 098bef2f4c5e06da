"""Institutions and action plans are named in the visitor's language on CKAN's own pages."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def institution():
    return factories.Organization(name="sercop-test", title_translated={
        "es": "Servicio de Contratación", "en": "Procurement Service"})


def test_institution_list_and_page_follow_the_visitors_language(app, institution):
    assert "Procurement Service" in app.get("/en/organization/").body
    assert "Procurement Service" in app.get("/en/organization/sercop-test").body
    spanish = app.get("/organization/").body
    assert "Servicio de Contratación" in spanish and "Procurement Service" not in spanish


def test_the_api_keeps_the_default_language_title(institution):
    shown = helpers.call_action("organization_show", id="sercop-test")
    assert shown["title"] == "Servicio de Contratación"
    assert shown["title_translated"] == {"es": "Servicio de Contratación", "en": "Procurement Service"}


def test_action_plan_list_follows_the_visitors_language(app):
    helpers.call_action("group_create", {"user": factories.Sysadmin()["name"]},
                        type="action-plan", name="plan-en", country_or_locality="Ecuador",
                        plan_scope="national",
                        title_translated={"es": "Primer plan", "en": "First plan"})
    assert "First plan" in app.get("/en/action-plan/").body
    assert "Primer plan" in app.get("/action-plan/").body


def test_a_dataset_page_names_its_institution_in_the_visitors_language(app, institution):
    dataset = factories.Dataset(owner_org=institution["id"], title_translated={"es": "Datos", "en": "Data"})
    english = app.get(f"/en/dataset/{dataset['name']}").body
    assert "Procurement Service" in english
    assert "Servicio de Contratación" not in english
