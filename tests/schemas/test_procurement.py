"""The `procurement` dataset type: OCDS-aligned metadata through the API, the form and the page."""
from __future__ import annotations

import copy
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

EMERGENCY = {
    "type": "procurement",
    "name": "compras-emergencia-covid-19-2020",
    "title_translated": {"es": "Compras de emergencia COVID-19 (2020)",
                         "en": "COVID-19 emergency purchases (2020)"},
    "notes_translated": {"es": "Contratos de emergencia de la red de salud pública.",
                         "en": "Emergency contracts of the public health network."},
    "tag_string": "COVID-19,emergencia,contratación pública",
    "license_id": "cc-by",
    "theme": ["GOVE", "HEAL"],
    "buyer": "msp",
    "buyer_name": {"es": "Hospitales de la red pública integral de salud",
                   "en": "Hospitals of the public health network"},
    "stages": ["tender", "award", "contract"],
    "procurement_methods": ["limited", "direct"],
    "local_method_names": {"es": "Contratación de emergencia, ínfima cuantía",
                           "en": "Emergency contracting, petty purchase"},
    "main_categories": ["goods", "services"],
    "period_start": "2020-03-16",
    "period_end": "2020-12-31",
    "process_count": 4312,
    "currencies": ["USD"],
    "total_values": [{"currency": "USD", "amount": 186450320.75}],
    "emergency": "true",
    "emergency_legal_basis": {
        "es": "Decreto Ejecutivo 1017 (estado de excepción), art. 57 LOSNCP",
        "en": "Executive Decree 1017 (state of exception), art. 57 LOSNCP"},
    "ocds_version": "1.1",
    "ocds_package_type": "release-package",
    "ocid_prefixes": ["ocds-5wno2w"],
    "publication_policy_url": "https://datos.example.gob/sercop/ocds/politica-publicacion",
    "source_system": {"es": "Sistema Oficial de Contratación Pública (SOCE)",
                      "en": "Official Public Procurement System (SOCE)"},
    "frequency": "MONTHLY",
    "api_url": "https://datos.example.gob/sercop/ocds/api/releases",
    "bulk_download_url": "https://datos.example.gob/sercop/ocds/releases-2020.json.gz",
    "access_rights": "PUBLIC",
    "contact": [{"name": "Dirección Nacional de Compras Públicas en Salud",
                 "email": "datos@msp.example.gob", "url": "https://datos.example.gob/msp/contacto"}],
    "temporal_coverage": [{"start": "2020-03-16", "end": "2020-12-31"}],
    "spatial_coverage": [{"text": "Ecuador", "uri": "https://sws.geonames.org/3658394/"}],
    "language": ["SPA"],
    "issued": "2021-02-01",
    "modified": "2021-06-30",
    "url": "https://datos.example.gob/msp/compras-emergencia",
    "documentation": ["https://datos.example.gob/msp/compras-emergencia/diccionario.pdf"],
    "conforms_to": ["https://standard.open-contracting.org/1.1/es/"],
    "resources": [{"url": "https://datos.example.gob/msp/ocds/releases-2020.json",
                   "name": "Entregas OCDS 2020", "description": "Paquete de entregas.",
                   "format": "JSON"}],
}

# Fields sent and returned unchanged (everything but CKAN's own tags, resources, type).
ROUND_TRIP_FIELDS = [key for key in EMERGENCY if key not in ("tag_string", "resources", "type")]


# These fixtures ask for with_plugins and clean_db themselves: a test's own usefixtures
# come before the module's, and clean_db migrates only the plugins already loaded.
@pytest.fixture
def editor(with_plugins, clean_db) -> dict[str, Any]:
    return factories.UserWithToken()


@pytest.fixture
def msp(editor) -> dict[str, Any]:
    return factories.Organization(name="msp", title="Ministerio de Salud Pública",
                                  users=[{"name": editor["name"], "capacity": "editor"}])


@pytest.fixture
def sercop(with_plugins, clean_db) -> dict[str, Any]:
    return factories.Organization(name="sercop", title="Servicio Nacional de Contratación Pública")


def _data(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(EMERGENCY)
    data.update(owner_org="msp")
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _create(user: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return call_action("package_create", {"user": user["name"]}, **_data(**changes))


def _auth(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": user["token"]}


def _messages(errors: Any) -> str:
    """Every message of a field's errors (repeating subfields nest them) as one string."""
    if isinstance(errors, dict):
        return " ".join(_messages(v) for v in errors.values())
    if isinstance(errors, list):
        return " ".join(_messages(v) for v in errors)
    return str(errors)


def _exists(name: str) -> bool:
    try:
        call_action("package_show", id=name)
    except tk.ObjectNotFound:
        return False
    return True


# --- API: what goes in comes back ---


@pytest.mark.usefixtures("msp")
def test_create_and_show_keep_every_procurement_field(editor):
    _create(editor)

    shown = call_action("package_show", id=EMERGENCY["name"])

    assert shown["type"] == "procurement"
    assert {key: shown.get(key) for key in ROUND_TRIP_FIELDS} == {
        key: EMERGENCY[key] for key in ROUND_TRIP_FIELDS}
    assert shown["title"] == "Compras de emergencia COVID-19 (2020)"
    assert shown["organization"]["name"] == "msp"
    assert {t["name"] for t in shown["tags"]} == {"COVID-19", "emergencia", "contratación pública"}
    assert [r["format"] for r in shown["resources"]] == ["JSON"]


@pytest.mark.usefixtures("msp")
def test_update_replaces_lists_total_values_and_clears_the_emergency(editor):
    created = _create(editor)
    changed = dict(
        created,
        procurement_methods=["open"],
        stages=["planning", "tender"],
        currencies=["USD", "EUR"],
        total_values=[{"currency": "USD", "amount": 1250000.5}, {"currency": "EUR", "amount": 0}],
        emergency="false",
        emergency_legal_basis="",
        ocid_prefixes=["ocds-5wno2w", "ocds-abc123"],
    )

    call_action("package_update", {"user": editor["name"]}, **changed)

    shown = call_action("package_show", id=created["id"])
    assert shown["procurement_methods"] == ["open"]
    assert shown["stages"] == ["planning", "tender"]
    assert shown["currencies"] == ["USD", "EUR"]
    assert shown["total_values"] == [{"currency": "USD", "amount": 1250000.5},
                                     {"currency": "EUR", "amount": 0}]
    assert shown["emergency"] == "false"
    assert "emergency_legal_basis" not in shown
    assert shown["ocid_prefixes"] == ["ocds-5wno2w", "ocds-abc123"]


@pytest.mark.usefixtures("msp")
def test_api_accepts_plain_forms_of_lists_booleans_and_numbers(editor):
    created = _create(editor, currencies="usd, eur", ocid_prefixes="ocds-5wno2w, ocds-abc123",
                      emergency=True, process_count="4312",
                      total_values=[{"currency": "usd", "amount": "186450320.75"}])

    assert created["currencies"] == ["USD", "EUR"]
    assert created["ocid_prefixes"] == ["ocds-5wno2w", "ocds-abc123"]
    assert created["emergency"] == "true"
    assert created["process_count"] == 4312
    assert created["total_values"] == [{"currency": "USD", "amount": 186450320.75}]


@pytest.mark.usefixtures("msp")
def test_a_procurement_dataset_needs_only_a_title_and_name(editor):
    created = call_action("package_create", {"user": editor["name"]}, type="procurement",
                          name="compras-minimas", owner_org="msp", title="Compras 2024")

    assert created["title_translated"] == {"es": "Compras 2024"}
    assert "emergency" not in created and "total_values" not in created


# --- API: each invalid value is refused by field, and nothing is stored ---

INVALID = [
    pytest.param("ocid_prefixes", ["ocds-ABC123"], "ocds-ABC123", id="ocid-uppercase"),
    pytest.param("ocid_prefixes", "ocds-abc12", "ocds-abc12", id="ocid-too-short"),
    pytest.param("currencies", ["DOLLARS"], "DOLLARS", id="currency-not-iso-4217"),
    pytest.param("period_end", "2019-12-31", "2019-12-31", id="period-end-before-start"),
    pytest.param("total_values", [{"currency": "USD", "amount": -1500}], "-1500",
                 id="negative-amount"),
    pytest.param("total_values", [{"currency": "ZZZ", "amount": 10}], "ZZZ",
                 id="total-in-unknown-currency"),
    pytest.param("total_values", [{"amount": 10}], None, id="total-without-currency"),
    pytest.param("process_count", -3, "-3", id="negative-process-count"),
    pytest.param("process_count", "2.5", "2.5", id="fractional-process-count"),
    pytest.param("procurement_methods", ["auction"], "auction", id="unknown-method"),
    pytest.param("stages", ["bidding"], "bidding", id="unknown-stage"),
    pytest.param("main_categories", ["consultancy"], "consultancy", id="unknown-category"),
    pytest.param("ocds_package_type", "zip", None, id="unknown-package-type"),
    pytest.param("ocds_version", "2.0", None, id="unknown-ocds-version"),
    pytest.param("emergency", "maybe", None, id="emergency-not-yes-or-no"),
    pytest.param("api_url", "ftp://datos.example.gob/ocds", "ftp://datos.example.gob/ocds",
                 id="api-url-not-http"),
    pytest.param("buyer", "no-existe", "no-existe", id="buyer-not-an-institution"),
]


@pytest.mark.usefixtures("msp")
@pytest.mark.parametrize("field,value,shown", INVALID)
def test_create_refuses_invalid_value_by_field_and_stores_nothing(editor, field, value, shown):
    with pytest.raises(tk.ValidationError) as raised:
        _create(editor, **{field: value})

    assert field in raised.value.error_dict
    if shown is not None:
        assert shown in _messages(raised.value.error_dict[field])
    assert not _exists(EMERGENCY["name"])


@pytest.mark.usefixtures("msp")
@pytest.mark.parametrize("field,value,shown", INVALID)
def test_update_refuses_invalid_value_and_keeps_the_stored_one(editor, field, value, shown):
    created = _create(editor)

    with pytest.raises(tk.ValidationError) as raised:
        call_action("package_update", {"user": editor["name"]}, **dict(created, **{field: value}))

    assert field in raised.value.error_dict
    assert call_action("package_show", id=created["id"]).get(field) == created.get(field)


@pytest.mark.usefixtures("msp")
def test_emergency_needs_its_legal_basis(editor):
    with pytest.raises(tk.ValidationError) as raised:
        _create(editor, emergency="true", emergency_legal_basis={"es": " ", "en": ""})

    message = _messages(raised.value.error_dict["emergency_legal_basis"])
    # The message names the flag and its value by their labels, in Spanish (the default).
    assert "Contratación de emergencia" in message and "Sí" in message
    assert not _exists(EMERGENCY["name"])


@pytest.mark.usefixtures("msp")
def test_legal_basis_is_optional_when_not_an_emergency(editor):
    created = _create(editor, emergency="false", emergency_legal_basis=None)

    assert created["emergency"] == "false"


@pytest.mark.usefixtures("msp")
def test_api_refuses_with_409_and_messages_in_spanish(app, editor):
    response = app.post("/api/3/action/package_create", headers=_auth(editor),
                        json=_data(total_values=[{"amount": 10}], process_count=-3))

    assert response.status_code == 409
    error = response.json["error"]
    assert error["total_values"] == [{"currency": ["Falta el valor"]}]
    assert "-3" in error["process_count"][0]
    assert not _exists(EMERGENCY["name"])


# --- Authorization: institutions publish only their own procurement data ---


@pytest.mark.usefixtures("msp", "sercop")
def test_editor_of_one_institution_cannot_create_procurement_in_another(editor):
    with pytest.raises(tk.NotAuthorized):
        call_action("package_create", {"user": editor["name"], "ignore_auth": False},
                    **_data(owner_org="sercop"))

    assert not _exists(EMERGENCY["name"])


@pytest.mark.usefixtures("msp")
def test_editor_of_other_institution_cannot_update_procurement(sysadmin, sercop):
    other_editor = factories.User()
    call_action("organization_member_create", {"user": sysadmin["name"]},
                id=sercop["id"], username=other_editor["name"], role="editor")
    created = _create(sysadmin)

    with pytest.raises(tk.NotAuthorized):
        call_action("package_update", {"user": other_editor["name"], "ignore_auth": False},
                    **dict(created, process_count=1))

    assert call_action("package_show", id=created["id"])["process_count"] == 4312


@pytest.mark.usefixtures("msp")
def test_editor_creates_procurement_in_own_institution(editor):
    created = call_action("package_create", {"user": editor["name"], "ignore_auth": False},
                          **_data())

    assert created["organization"]["name"] == "msp"


# --- Pages ---


@pytest.mark.usefixtures("msp")
def test_new_procurement_form_has_bilingual_inputs_and_procurement_fields(app, editor):
    response = app.get(tk.url_for("procurement.new"), headers=_auth(editor))

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for name in ("title_translated-es", "title_translated-en", "notes_translated-es",
                 "emergency_legal_basis-es", "emergency_legal_basis-en", "source_system-en",
                 "local_method_names-es", "ocid_prefixes", "currencies", "period_start",
                 "period_end", "process_count", "ocds_version", "ocds_package_type",
                 "publication_policy_url", "api_url", "bulk_download_url", "emergency"):
        assert f'name="{name}"' in body, name
    for code in ("open", "selective", "limited", "direct", "planning", "implementation",
                 "goods", "works", "services", "flat"):
        assert f'value="{code}"' in body, code
    # Labels in Spanish (the portal's default language), with OCDS examples in help texts.
    for text in ("Métodos de contratación", "Etapas cubiertas", "Abierto", "Licitación",
                 "Contratación de emergencia", "Base legal de la emergencia", "ocds-abc123",
                 "Valor total por moneda"):
        assert text in body, text


@pytest.mark.usefixtures("msp")
def test_posting_the_form_creates_the_procurement_dataset(app, editor):
    form = {
        "title_translated-es": "Procesos de contratación del MSP 2024",
        "title_translated-en": "MSP procurement processes 2024",
        "name": "procesos-msp-2024",
        "notes_translated-es": "Procesos de contratación del Ministerio de Salud Pública.",
        "notes_translated-en": "",
        "owner_org": "msp",
        "license_id": "cc-by",
        "stages": ["tender", "award"],
        "procurement_methods": ["open", "direct"],
        "local_method_names-es": "Subasta inversa electrónica, ínfima cuantía",
        "local_method_names-en": "Electronic reverse auction, petty purchase",
        "main_categories": "goods",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "process_count": "5210",
        "currencies": "USD",
        "total_values-0-currency": "USD",
        "total_values-0-amount": "98450120.40",
        "emergency": "false",
        "emergency_legal_basis-es": "",
        "emergency_legal_basis-en": "",
        "ocds_version": "1.1",
        "ocds_package_type": "flat",
        "ocid_prefixes": ["ocds-5wno2w", ""],
        "api_url": "https://datos.example.gob/msp/ocds/api",
        "save": "",
    }

    response = app.post(tk.url_for("procurement.new"), data=form, headers=_auth(editor),
                        follow_redirects=False)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    shown = call_action("package_show", id="procesos-msp-2024")
    assert shown["type"] == "procurement"
    assert shown["title_translated"] == {"es": "Procesos de contratación del MSP 2024",
                                         "en": "MSP procurement processes 2024"}
    assert shown["local_method_names"] == {"es": "Subasta inversa electrónica, ínfima cuantía",
                                           "en": "Electronic reverse auction, petty purchase"}
    assert shown["procurement_methods"] == ["open", "direct"]
    assert shown["main_categories"] == ["goods"]
    assert shown["currencies"] == ["USD"]
    assert shown["ocid_prefixes"] == ["ocds-5wno2w"]
    assert shown["total_values"] == [{"currency": "USD", "amount": 98450120.4}]
    assert shown["process_count"] == 5210
    assert "emergency_legal_basis" not in shown


@pytest.mark.usefixtures("msp")
def test_posting_the_form_with_errors_shows_them_and_creates_nothing(app, editor):
    form = {
        "title_translated-es": "Compras de emergencia",
        "name": "compras-emergencia-form",
        "owner_org": "msp",
        "emergency": "true",
        "emergency_legal_basis-es": "",
        "emergency_legal_basis-en": "",
        "ocid_prefixes": "ocds-XYZ",
        "save": "",
    }

    response = app.post(tk.url_for("procurement.new"), data=form, headers=_auth(editor))

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "ocds-XYZ" in body
    assert "Contratación de emergencia" in body
    assert not _exists("compras-emergencia-form")


@pytest.mark.usefixtures("msp")
def test_procurement_page_shows_labels_and_formatted_values(app, editor):
    _create(editor, procurement_methods=["open", "direct"], stages=["tender", "award"],
            total_values=[{"currency": "USD", "amount": 1250000.5}])

    response = app.get(tk.url_for("procurement.read", id=EMERGENCY["name"]))

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for text in ("Abierto", "Directo", "Licitación", "Adjudicación", "Bienes", "Servicios",
                 "Paquete de entregas (release package)", "Mensual",
                 "Decreto Ejecutivo 1017 (estado de excepción), art. 57 LOSNCP",
                 "ínfima cuantía",
                 "1.250.000,50\xa0US$", "4.312", "ocds-5wno2w", "Sistema Oficial de Contratación Pública",
                 "Ministerio de Salud Pública"):
        assert text in body, text
    # Codes only as values, never as visible text.
    assert ">open<" not in body and ">release-package<" not in body


@pytest.mark.usefixtures("msp")
def test_procurement_page_in_english_shows_english_labels(app, editor):
    _create(editor)

    response = app.get("/en" + tk.url_for("procurement.read", id=EMERGENCY["name"]))

    body = response.get_data(as_text=True)
    for text in ("Limited", "Direct", "Tender", "Goods", "Release package",
                 "Executive Decree 1017", "$186,450,320.75"):
        assert text in body, text
