"""Bilingual metadata: stored per language, returned as {"es", "en"}, CKAN's plain fields kept
filled, searchable in both languages, shown in the visitor's language with a fallback hint."""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.ogpcatalog.fields import bilingual


class TestParse:
    def test_dict_keeps_known_languages_and_drops_empty_ones(self):
        assert bilingual.parse({"es": " Presupuesto ", "en": ""}) == {"es": "Presupuesto"}

    def test_json_string_is_read(self):
        assert bilingual.parse('{"es": "Hola", "en": "Hello"}') == {"es": "Hola", "en": "Hello"}

    @pytest.mark.ckan_config("ckan.locale_default", "es")
    def test_plain_text_is_taken_as_the_default_language(self):
        assert bilingual.parse("Presupuesto general") == {"es": "Presupuesto general"}

    def test_unknown_language_is_refused_by_name(self):
        with pytest.raises(bilingual.BilingualValueError, match="fr"):
            bilingual.parse({"es": "Hola", "fr": "Bonjour"})

    def test_text_must_be_a_string(self):
        with pytest.raises(bilingual.BilingualValueError):
            bilingual.parse({"es": ["a"]})

    def test_pick_falls_back_to_the_other_language(self):
        assert bilingual.pick({"en": "Budget"}, "es") == ("Budget", "en")
        assert bilingual.pick({"es": "Presupuesto", "en": "Budget"}, "en") == ("Budget", "en")
        assert bilingual.pick({}, "es") == ("", None)


pytestmark_db = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytestmark_db
class TestApi:
    def test_title_and_notes_are_returned_per_language_and_plain_fields_filled(self):
        dataset = factories.Dataset(
            title_translated={"es": "Presupuesto general", "en": "General budget"},
            notes_translated={"es": "Ejecución mensual", "en": "Monthly execution"})
        shown = helpers.call_action("package_show", id=dataset["id"])
        assert shown["title_translated"] == {"es": "Presupuesto general", "en": "General budget"}
        assert shown["notes_translated"] == {"es": "Ejecución mensual", "en": "Monthly execution"}
        assert shown["title"] == "Presupuesto general"
        assert shown["notes"] == "Ejecución mensual"
        assert model.Package.get(dataset["id"]).title == "Presupuesto general"

    def test_english_only_title_fills_the_plain_title_with_english(self):
        dataset = factories.Dataset(title_translated={"en": "General budget"})
        assert dataset["title"] == "General budget"
        assert dataset["title_translated"] == {"en": "General budget"}

    def test_a_client_that_sends_only_the_plain_title_gets_it_in_the_default_language(self):
        dataset = factories.Dataset(title="Deuda pública", notes="Saldo mensual")
        assert dataset["title_translated"] == {"es": "Deuda pública"}
        assert dataset["notes_translated"] == {"es": "Saldo mensual"}

    def test_json_string_values_are_accepted(self):
        dataset = factories.Dataset(title_translated=json.dumps({"es": "Uno", "en": "One"}))
        assert dataset["title_translated"] == {"es": "Uno", "en": "One"}

    def test_unknown_language_is_rejected_naming_the_field_and_nothing_is_stored(self):
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action("package_create", name="bilingue-malo",
                                title_translated={"es": "Uno", "fr": "Un"})
        assert "title_translated" in raised.value.error_dict
        assert "fr" in raised.value.error_dict["title_translated"][0]
        assert model.Package.get("bilingue-malo") is None

    def test_update_replaces_the_translations(self):
        dataset = factories.Dataset(title_translated={"es": "Antes", "en": "Before"})
        updated = helpers.call_action("package_patch", {"user": factories.Sysadmin()["name"]},
                                      id=dataset["id"],
                                      title_translated={"es": "Después", "en": "After"})
        assert updated["title_translated"] == {"es": "Después", "en": "After"}
        assert updated["title"] == "Después"

    def test_a_client_patching_only_the_plain_title_changes_the_default_language(self):
        dataset = factories.Dataset(title_translated={"es": "Antes", "en": "Before"})
        user = {"user": factories.Sysadmin()["name"]}
        updated = helpers.call_action("package_patch", dict(user), id=dataset["id"], title="Ahora")
        assert updated["title_translated"] == {"es": "Ahora", "en": "Before"}
        assert updated["title"] == "Ahora"
        again = helpers.call_action("package_patch", dict(user), id=dataset["id"],
                                    title_translated={"es": "Luego", "en": "Later"})
        assert again["title"] == "Luego"

    def test_contact_names_in_repeating_fields_are_searchable(self):
        dataset = factories.Dataset(contact=[{"name": "Dirección Zurita", "email": "d@example.com"}])
        found = helpers.call_action("package_search", q="Zurita")
        assert [d["id"] for d in found["results"]] == [dataset["id"]]

    def test_search_finds_a_dataset_by_words_of_either_language(self):
        dataset = factories.Dataset(
            title_translated={"es": "Calidad del aire", "en": "Air quality"},
            notes_translated={"es": "Material particulado", "en": "Particulate matter"})
        for words in ("aire", "quality", "particulado", "particulate"):
            found = helpers.call_action("package_search", q=words)
            assert [d["id"] for d in found["results"]] == [dataset["id"]], words


@pytestmark_db
class TestPages:
    def test_dataset_page_shows_the_visitors_language(self, app):
        dataset = factories.Dataset(title_translated={"es": "Calidad del aire", "en": "Air quality"})
        spanish = app.get(f"/dataset/{dataset['name']}").body
        english = app.get(f"/en/dataset/{dataset['name']}").body
        assert "Calidad del aire" in spanish
        assert "Air quality" in english

    def test_missing_translation_falls_back_with_a_visible_hint(self, app):
        dataset = factories.Dataset(title_translated={"es": "Solo castellano"},
                                    notes_translated={"es": "Descripción en castellano"})
        english = app.get(f"/en/dataset/{dataset['name']}").body
        assert "Solo castellano" in english
        assert "Only in Spanish" in english
        assert "ogpcatalog-fallback" not in app.get(f"/dataset/{dataset['name']}").body

    def test_search_results_show_the_visitors_language(self, app):
        factories.Dataset(title_translated={"es": "Calidad del aire", "en": "Air quality"})
        assert "Air quality" in app.get("/en/dataset/").body
        assert "Calidad del aire" in app.get("/dataset/").body

    def test_form_has_side_by_side_inputs_and_saves_both_languages(self, app):
        user = factories.Sysadmin()
        org = factories.Organization()
        headers = {"Authorization": factories.SysadminWithToken()["token"]}
        page = app.get("/dataset/new", headers=headers)
        assert 'name="title_translated-es"' in page.body
        assert 'name="title_translated-en"' in page.body
        assert 'name="notes_translated-en"' in page.body
        response = app.post("/dataset/new", headers=headers, data={
            "title_translated-es": "Aire limpio", "title_translated-en": "Clean air",
            "notes_translated-es": "Mediciones", "notes_translated-en": "Measurements",
            "name": "aire-limpio", "owner_org": org["id"], "save": "continue",
            "_ckan_phase": "dataset_new_1",
        }, follow_redirects=False)
        assert response.status_code == 302, response.body
        shown = helpers.call_action("package_show", id="aire-limpio")
        assert shown["title_translated"] == {"es": "Aire limpio", "en": "Clean air"}
        assert shown["notes_translated"] == {"es": "Mediciones", "en": "Measurements"}
        assert user  # a second sysadmin exists: the form does not depend on who is first

    def test_form_with_empty_title_shows_the_error_next_to_the_field(self, app):
        org = factories.Organization()
        headers = {"Authorization": factories.SysadminWithToken()["token"]}
        response = app.post("/dataset/new", headers=headers, data={
            "title_translated-es": "", "title_translated-en": "",
            "name": "sin-titulo", "owner_org": org["id"], "save": "continue",
            "_ckan_phase": "dataset_new_1",
        })
        assert response.status_code == 200
        assert 'ogpcatalog-bilingual error' in response.body
        assert model.Package.get("sin-titulo") is None


@pytestmark_db
class TestBlankRepeatingItems:
    def test_blank_items_sent_by_the_api_are_dropped(self):
        dataset = factories.Dataset(contact=[{"name": "", "email": ""},
                                             {"name": "Oficina de datos", "email": "datos@example.com"}])
        assert dataset["contact"] == [{"name": "Oficina de datos", "email": "datos@example.com"}]

    def test_a_blank_group_left_in_the_form_is_no_item_and_no_error(self, app):
        org = factories.Organization()
        headers = {"Authorization": factories.SysadminWithToken()["token"]}
        response = app.post("/dataset/new", headers=headers, data={
            "title_translated-es": "Con contacto vacío", "name": "contacto-vacio",
            "owner_org": org["id"], "contact-0-name": "", "contact-0-email": "",
            "contact-1-name": "Mesa de ayuda", "contact-1-email": "",
            "save": "continue", "_ckan_phase": "dataset_new_1",
        }, follow_redirects=False)
        assert response.status_code == 302, response.body
        shown = helpers.call_action("package_show", id="contacto-vacio")
        assert shown["contact"] == [{"name": "Mesa de ayuda"}]
