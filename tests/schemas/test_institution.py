"""Institutions (the organization schema): type, sector, level of government, parent, legal
identifier checked against its scheme, website and DCAT catalogue; through the API, the
form and the institution's pages in both languages."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.ogpcatalog import codelists

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

# Public-institution RUCs (third digit 6) with a valid modulo-11 check digit.
RUC_MEF = "1760001550001"
RUC_INEC = "1760011270001"
RUC_BAD_CHECK_DIGIT = "1760001560001"


def _institution(**fields):
    data = {
        "name": "inec",
        "title_translated": {"es": "Instituto Nacional de Estadística y Censos",
                             "en": "National Institute of Statistics and Census"},
        "description_translated": {"es": "Órgano rector de la estadística nacional.",
                                   "en": "Governing body of national statistics."},
        "institution_type": "agency",
        "sector": "01",
        "government_level": "national",
        "legal_identifier_scheme": "EC-RUC",
        "legal_identifier": RUC_INEC,
        "website": "https://www.ecuadorencifras.gob.ec",
        "email": "datos@inec.example.gob",
        "dcat_catalog_url": "https://datos.example.gob/inec/catalog.ttl",
    }
    data.update(fields)
    return _as_site_user("organization_create", **data)


def _as_site_user(action: str, **data):
    """Organization actions record an activity, which needs a user."""
    site_user = helpers.call_action("get_site_user")["name"]
    return helpers.call_action(action, context={"user": site_user}, **data)


def _errors(**fields) -> dict:
    with pytest.raises(tk.ValidationError) as raised:
        _institution(**fields)
    return raised.value.error_dict


class TestCodelists:
    def test_sector_is_the_ten_cofog_divisions(self):
        sector = codelists.get("sector")
        assert [c.code for c in sector.codes] == [f"{n:02d}" for n in range(1, 11)]
        assert sector.get("07").label == {"es": "Salud", "en": "Health"}

    def test_legal_identifier_schemes_include_the_validated_ones(self):
        schemes = codelists.get("legal-identifier-scheme")
        assert {"EC-RUC", "CO-NIT", "AR-CUIT", "MX-RFC", "PE-RUC", "CL-RUT", "UY-RUT"} <= {
            c.code for c in schemes.codes}


class TestApi:
    def test_every_field_round_trips(self):
        parent = _institution(name="planificacion", legal_identifier="1760009020001",
                              title_translated={"es": "Secretaría Nacional de Planificación"})
        created = _institution(parent_institution=parent["id"],
                               legal_identifier="17600 1127 0001")

        shown = helpers.call_action("organization_show", id="inec")
        for org in (created, shown):
            assert org["title_translated"] == {
                "es": "Instituto Nacional de Estadística y Censos",
                "en": "National Institute of Statistics and Census"}
            assert org["title"] == "Instituto Nacional de Estadística y Censos"
            assert org["description_translated"]["en"] == "Governing body of national statistics."
            assert org["description"] == "Órgano rector de la estadística nacional."
            assert org["institution_type"] == "agency"
            assert org["sector"] == "01"
            assert org["government_level"] == "national"
            assert org["parent_institution"] == "planificacion"  # stored by name
            assert org["legal_identifier_scheme"] == "EC-RUC"
            assert org["legal_identifier"] == RUC_INEC  # normalised: spaces dropped
            assert org["website"] == "https://www.ecuadorencifras.gob.ec"
            assert org["email"] == "datos@inec.example.gob"
            assert org["dcat_catalog_url"] == "https://datos.example.gob/inec/catalog.ttl"

    def test_update_replaces_the_fields(self):
        org = _institution()

        _as_site_user("organization_update", id=org["id"], name="inec",
                            title_translated={"es": "INEC", "en": "INEC"},
                            institution_type="control-body", sector="04",
                            government_level="regional", legal_identifier_scheme="EC-RUC",
                            legal_identifier=RUC_MEF)

        shown = helpers.call_action("organization_show", id=org["id"])
        assert (shown["institution_type"], shown["sector"], shown["government_level"]) == (
            "control-body", "04", "regional")
        assert shown["legal_identifier"] == RUC_MEF
        assert "website" not in shown or not shown["website"]

    def test_institution_with_only_name_and_title_works_as_in_ckan_core(self):
        org = factories.Organization(name="solo-nombre", title="Solo nombre")

        assert org["title_translated"] == {"es": "Solo nombre"}
        assert helpers.call_action("organization_show", id="solo-nombre")["title"] == "Solo nombre"

    def test_ruc_with_a_wrong_check_digit_is_rejected_with_409_and_nothing_is_stored(self, app):
        sysadmin = factories.SysadminWithToken()

        response = app.post(
            "/api/3/action/organization_create",
            json={"name": "ruc-malo", "title": "RUC malo", "legal_identifier_scheme": "EC-RUC",
                  "legal_identifier": RUC_BAD_CHECK_DIGIT},
            headers={"Authorization": sysadmin["token"]},
            status=409,
        )

        error = response.json["error"]
        assert set(error) == {"__type", "legal_identifier"}
        assert "EC-RUC" in error["legal_identifier"][0]
        assert model.Group.get("ruc-malo") is None

    def test_identifier_is_checked_against_its_own_scheme(self):
        # A valid Ecuadorian RUC is not a valid Argentinian CUIT.
        errors = _errors(legal_identifier_scheme="AR-CUIT", legal_identifier=RUC_INEC)
        assert "AR-CUIT" in errors["legal_identifier"][0]

    def test_identifiers_of_schemes_without_a_check_are_kept_as_given(self):
        org = _institution(legal_identifier_scheme="MX-RFC", legal_identifier="INE140404NI0")
        assert org["legal_identifier"] == "INE140404NI0"

    def test_two_institutions_cannot_share_a_legal_identifier(self):
        _institution()

        errors = _errors(name="inec-copia")

        assert "inec" in errors["legal_identifier"][0]
        assert model.Group.get("inec-copia") is None

    @pytest.mark.parametrize("field", ["institution_type", "sector", "government_level",
                                       "legal_identifier_scheme"])
    def test_unknown_codes_are_rejected_naming_the_field(self, field):
        errors = _errors(**{field: "not-a-code"})

        assert list(errors) == [field]
        assert model.Group.get("inec") is None

    def test_parent_that_does_not_exist_is_rejected(self):
        errors = _errors(parent_institution="no-existe")
        assert "no-existe" in errors["parent_institution"][0]

    def test_an_institution_cannot_be_its_own_parent(self):
        org = _institution()

        with pytest.raises(tk.ValidationError) as raised:
            _as_site_user("organization_patch", id=org["id"], parent_institution="inec")

        assert "parent_institution" in raised.value.error_dict
        assert not helpers.call_action("organization_show", id="inec").get("parent_institution")

    def test_a_parent_below_the_institution_would_make_a_cycle_and_is_rejected(self):
        top = _institution(name="planificacion", legal_identifier="1760009020001")
        _institution(parent_institution="planificacion")

        with pytest.raises(tk.ValidationError) as raised:
            _as_site_user("organization_patch", id=top["id"], parent_institution="inec")

        assert "inec" in raised.value.error_dict["parent_institution"][0]

    @pytest.mark.parametrize("field,value", [("website", "www.sin-esquema.gob.ec"),
                                             ("dcat_catalog_url", "ftp://datos.gob.ec/catalog"),
                                             ("email", "no-es-un-correo")])
    def test_malformed_addresses_are_rejected(self, field, value):
        assert field in _errors(**{field: value})


class TestAuth:
    def test_an_editor_of_one_institution_cannot_update_another_institution(self):
        editor = factories.User()
        factories.Organization(name="mintel", users=[{"name": editor["name"], "capacity": "editor"}])
        other = _institution()

        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("organization_patch",
                                context={"user": editor["name"], "ignore_auth": False},
                                id=other["id"], institution_type="ministry")

        assert helpers.call_action("organization_show", id="inec")["institution_type"] == "agency"


class TestPages:
    def test_new_institution_form_has_the_fields_and_bilingual_inputs(self, app):
        sysadmin = factories.SysadminWithToken()

        page = app.get("/organization/new", headers={"Authorization": sysadmin["token"]}).body

        for name in ("title_translated-es", "title_translated-en", "description_translated-es",
                     "description_translated-en", "institution_type", "sector",
                     "government_level", "parent_institution", "legal_identifier_scheme",
                     "legal_identifier", "website", "dcat_catalog_url"):
            assert f'name="{name}"' in page, name
        # Choices are labelled, in the page's language (Spanish by default).
        assert "Ministerio o secretaría de Estado" in page
        assert "Servicios públicos generales" in page
        assert "Ecuador: Registro Único de Contribuyentes (RUC)" in page

    def test_edit_form_shows_the_stored_values(self, app):
        sysadmin = factories.SysadminWithToken()
        _institution()

        page = app.get("/organization/edit/inec", headers={"Authorization": sysadmin["token"]}).body

        assert 'value="National Institute of Statistics and Census"' in page
        assert '<option value="agency" selected>' in page
        assert '<option value="01" selected>' in page
        assert '<option value="EC-RUC" selected>' in page
        assert f'value="{RUC_INEC}"' in page

    def test_posting_the_form_creates_the_institution(self, app):
        sysadmin = factories.SysadminWithToken()

        app.post("/organization/new", headers={"Authorization": sysadmin["token"]}, data={
            "title_translated-es": "Ministerio de Salud Pública",
            "title_translated-en": "Ministry of Public Health",
            "name": "msp",
            "description_translated-es": "Autoridad sanitaria nacional.",
            "description_translated-en": "",
            "institution_type": "ministry",
            "sector": "07",
            "government_level": "national",
            "parent_institution": "",
            "legal_identifier_scheme": "EC-RUC",
            "legal_identifier": "1760010380001",
            "website": "https://www.salud.gob.ec",
            "email": "",
            "dcat_catalog_url": "",
            "image_url": "",
            "save": "",
        })

        org = helpers.call_action("organization_show", id="msp")
        assert org["title_translated"] == {"es": "Ministerio de Salud Pública",
                                           "en": "Ministry of Public Health"}
        assert org["description_translated"] == {"es": "Autoridad sanitaria nacional."}
        assert (org["institution_type"], org["sector"], org["legal_identifier"]) == (
            "ministry", "07", "1760010380001")

    def test_posting_an_invalid_ruc_shows_the_error_on_the_form(self, app):
        sysadmin = factories.SysadminWithToken()

        page = app.post("/organization/new", headers={"Authorization": sysadmin["token"]}, data={
            "title_translated-es": "RUC malo", "name": "ruc-malo",
            "legal_identifier_scheme": "EC-RUC", "legal_identifier": RUC_BAD_CHECK_DIGIT,
            "save": "",
        }).body

        assert RUC_BAD_CHECK_DIGIT in page and "13" in page
        assert model.Group.get("ruc-malo") is None

    def test_institution_page_shows_type_sector_and_level_labels_in_spanish(self, app):
        _institution()

        page = app.get("/organization/inec").body

        assert "Agencia, servicio o instituto público" in page
        assert "Servicios públicos generales" in page
        assert "Nacional" in page
        assert "Instituto Nacional de Estadística y Censos" in page

    def test_institution_page_in_english_shows_english_labels_and_title(self, app):
        _institution()

        page = app.get("/en/organization/inec").body

        assert "Public agency or institute" in page
        assert "General public services" in page
        assert "National Institute of Statistics and Census" in page

    def test_about_page_shows_everything_that_identifies_the_institution(self, app):
        _institution(name="planificacion", legal_identifier="1760009020001",
                     title_translated={"es": "Secretaría Nacional de Planificación",
                                       "en": "National Planning Secretariat"})
        _institution(parent_institution="planificacion")

        spanish = app.get("/organization/about/inec").body
        english = app.get("/en/organization/about/inec").body

        for page in (spanish, english):
            assert RUC_INEC in page
            assert 'href="https://www.ecuadorencifras.gob.ec"' in page
            assert 'href="https://datos.example.gob/inec/catalog.ttl"' in page
            assert 'organization/planificacion"' in page  # link to the parent
        assert "Ecuador: Registro Único de Contribuyentes (RUC)" in spanish
        assert "Secretaría Nacional de Planificación" in spanish
        assert "Institución superior" in spanish
        assert "Ecuador: Single Taxpayer Registry (RUC)" in english
        assert "National Planning Secretariat" in english
        assert "Parent institution" in english
        assert "Public agency or institute" in english
        # Codes are never shown instead of labels.
        assert ">agency<" not in spanish and ">EC-RUC<" not in spanish
