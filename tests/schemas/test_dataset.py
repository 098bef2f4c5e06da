"""The general dataset (DCAT-AP): themes, frequency, languages, temporal and spatial coverage,
contact, license and the distribution fields, under ckanext-dcat's field names; through the
API, the form and the dataset page in both languages."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

DCAT_FIELDS = {
    "theme": ["HEAL", "SOCI"],
    "language": ["SPA", "QUE"],
    "frequency": "MONTHLY",
    "access_rights": "PUBLIC",
    "temporal_coverage": [{"start": "2024-01-01", "end": "2024-12-31"}],
    "spatial_coverage": [{"text": "Ecuador", "uri": "https://sws.geonames.org/3658394/"}],
    "contact": [{"name": "Dirección Nacional de Estadística",
                 "email": "estadistica@msp.example.gob",
                 "url": "https://www.salud.gob.ec/contacto"}],
    "issued": "2024-02-15",
    "modified": "2025-01-10",
    "version": "2.1",
    "url": "https://www.salud.gob.ec/egresos-hospitalarios",
    "documentation": ["https://datos.example.gob/msp/egresos/metodologia.pdf"],
    "conforms_to": ["https://www.who.int/standards/classifications/classification-of-diseases"],
}


def _dataset(**fields):
    data = {
        "name": "egresos-hospitalarios-2024",
        "title_translated": {"es": "Egresos hospitalarios 2024", "en": "Hospital discharges 2024"},
        "notes_translated": {"es": "Egresos de la red pública de salud.",
                             "en": "Discharges from the public health network."},
        "license_id": "cc-by",
        **DCAT_FIELDS,
    }
    data.update(fields)
    return _as_site_user("package_create", **data)


def _as_site_user(action: str, **data):
    """Dataset actions record an activity, which needs a user."""
    site_user = helpers.call_action("get_site_user")["name"]
    return helpers.call_action(action, context={"user": site_user}, **data)


def _errors(**fields) -> dict:
    with pytest.raises(tk.ValidationError) as raised:
        _dataset(**fields)
    return raised.value.error_dict


class TestApi:
    def test_every_dcat_field_round_trips(self):
        created = _dataset(resources=[{
            "url": "https://datos.example.gob/msp/egresos-2024.csv",
            "name": "Egresos 2024 (CSV)",
            "format": "CSV",
            "access_url": "https://datos.example.gob/msp/egresos",
            "download_url": "https://datos.example.gob/msp/egresos-2024.csv",
            "language": ["SPA"],
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "rights": {"es": "Cite la fuente.", "en": "Cite the source."},
            "issued": "2024-02-15",
            "modified": "2025-01-10",
        }])

        shown = helpers.call_action("package_show", id=created["id"])
        for dataset in (created, shown):
            for field, value in DCAT_FIELDS.items():
                assert dataset[field] == value, field
            assert dataset["title"] == "Egresos hospitalarios 2024"
            assert dataset["notes_translated"]["en"] == "Discharges from the public health network."
            resource = dataset["resources"][0]
            assert resource["language"] == ["SPA"]
            assert resource["rights"] == {"es": "Cite la fuente.", "en": "Cite the source."}
            assert resource["download_url"] == "https://datos.example.gob/msp/egresos-2024.csv"
            assert resource["issued"] == "2024-02-15"

    def test_update_replaces_the_dcat_fields(self):
        dataset = _dataset()

        _as_site_user("package_patch", id=dataset["id"], theme=["ECON"], frequency="ANNUAL",
                            temporal_coverage=[{"start": "2020-01-01", "end": "2020-12-31"},
                                               {"start": "2022-01-01"}])

        shown = helpers.call_action("package_show", id=dataset["id"])
        assert shown["theme"] == ["ECON"]
        assert shown["frequency"] == "ANNUAL"
        assert shown["temporal_coverage"] == [{"start": "2020-01-01", "end": "2020-12-31"},
                                              {"start": "2022-01-01"}]

    def test_a_dataset_with_only_name_and_title_works_as_in_ckan_core(self):
        dataset = _as_site_user("package_create", name="solo-titulo", title="Solo título")

        assert dataset["title_translated"] == {"es": "Solo título"}
        assert factories.Dataset()["title"]  # CKAN's factory: name, title and notes only

    def test_a_single_theme_as_plain_text_is_accepted(self):
        assert _dataset(theme="ECON")["theme"] == ["ECON"]

    def test_unknown_theme_code_is_rejected_and_nothing_is_stored(self):
        errors = _errors(theme=["HEAL", "SPACE"])

        assert list(errors) == ["theme"]
        assert model.Package.get("egresos-hospitalarios-2024") is None

    def test_unknown_frequency_is_rejected(self):
        assert list(_errors(frequency="EVERY_FULL_MOON")) == ["frequency"]

    def test_unknown_language_is_rejected(self):
        assert list(_errors(language=["es"])) == ["language"]

    def test_temporal_coverage_ending_before_it_starts_is_rejected(self):
        errors = _errors(temporal_coverage=[{"start": "2024-12-31", "end": "2024-01-01"}])

        assert list(errors) == ["temporal_coverage"]
        message = errors["temporal_coverage"][0]["end"][0]
        assert "2024-01-01" in message and "2024-12-31" in message

    def test_temporal_coverage_dates_must_be_dates(self):
        assert "temporal_coverage" in _errors(temporal_coverage=[{"start": "el año pasado"}])

    @pytest.mark.parametrize("field,value", [
        ("contact", [{"name": "Dirección", "email": "no-es-un-correo"}]),
        ("url", "www.salud.gob.ec"),
        ("documentation", ["https://ok.example.gob/a", "ftp://no.example.gob/b"]),
        ("spatial_coverage", [{"text": "Quito", "uri": "geonames 3652462"}]),
    ])
    def test_malformed_addresses_are_rejected(self, field, value):
        assert list(_errors(**{field: value})) == [field]

    def test_distribution_urls_are_checked(self):
        errors = _errors(resources=[{"url": "https://datos.example.gob/a.csv",
                                     "download_url": "datos.example.gob/a.csv"}])

        assert "download_url" in errors["resources"][0]


class TestAuth:
    def test_an_editor_of_one_institution_cannot_update_another_institutions_dataset(self):
        editor = factories.User()
        own = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
        other = factories.Organization()
        own_dataset = _dataset(name="propio", owner_org=own["id"])
        other_dataset = _dataset(name="ajeno", owner_org=other["id"])
        context = {"user": editor["name"], "ignore_auth": False}

        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("package_patch", context=dict(context), id=other_dataset["id"],
                                frequency="DAILY")
        helpers.call_action("package_patch", context=dict(context), id=own_dataset["id"],
                            frequency="DAILY")

        assert helpers.call_action("package_show", id="ajeno")["frequency"] == "MONTHLY"
        assert helpers.call_action("package_show", id="propio")["frequency"] == "DAILY"

    def test_an_editor_cannot_move_a_dataset_into_another_institution(self):
        editor = factories.User()
        own = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
        other = factories.Organization()
        dataset = _dataset(owner_org=own["id"])

        with pytest.raises((tk.NotAuthorized, tk.ValidationError)):
            helpers.call_action("package_patch", context={"user": editor["name"], "ignore_auth": False},
                                id=dataset["id"], owner_org=other["id"])

        assert helpers.call_action("package_show", id=dataset["id"])["owner_org"] == own["id"]


class TestPages:
    def test_new_dataset_form_has_the_dcat_fields_and_bilingual_inputs(self, app):
        user = factories.UserWithToken()
        factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])

        page = app.get("/dataset/new", headers={"Authorization": user["token"]}).body

        for name in ("title_translated-es", "title_translated-en", "notes_translated-es",
                     "notes_translated-en", "theme", "language", "frequency", "owner_org",
                     "license_id", "access_rights", "url", "version", "issued", "modified"):
            assert f'name="{name}"' in page, name
        for repeating in ("temporal_coverage-0-start", "temporal_coverage-0-end",
                          "spatial_coverage-0-text", "contact-0-name", "contact-0-email"):
            assert repeating in page, repeating
        assert "Salud" in page  # theme choices by label, in Spanish
        assert "Mensual" in page  # frequency

    def test_dataset_page_shows_the_dcat_fields_by_label_in_spanish(self, app):
        _dataset(owner_org=factories.Organization()["id"])

        page = app.get("/dataset/egresos-hospitalarios-2024").body

        for text in ("Salud", "Población y sociedad", "Mensual", "Español", "Quechua / kichwa",
                     "Público", "Dirección Nacional de Estadística",
                     "mailto:estadistica@msp.example.gob", "Ecuador",
                     "https://sws.geonames.org/3658394/", "Cobertura temporal",
                     "https://www.salud.gob.ec/egresos-hospitalarios", "metodologia.pdf"):
            assert text in page, text
        assert "/dataset/?theme=HEAL" in page
        assert ">HEAL<" not in page and ">MONTHLY<" not in page

    def test_dataset_page_shows_its_institutions_type_and_level(self, app):
        org = factories.Organization(institution_type="ministry", government_level="national",
                                     sector="07")
        _dataset(owner_org=org["id"])

        page = app.get("/dataset/egresos-hospitalarios-2024").body

        assert "Ministerio o secretaría de Estado" in page
        assert "Salud" in page and "Nacional" in page

    def test_dataset_page_in_english_shows_english_labels(self, app):
        _dataset()

        page = app.get("/en/dataset/egresos-hospitalarios-2024").body

        for text in ("Health", "Population and society", "Monthly", "Spanish",
                     "Temporal coverage", "Contact point", "Hospital discharges 2024"):
            assert text in page, text
