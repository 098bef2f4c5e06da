"""Validators of the metadata model: valid values pass (normalised), invalid ones name the problem."""
from __future__ import annotations

from collections import defaultdict

import pytest

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.logic import validators as v


@pytest.mark.parametrize("value,expected", [
    ("ocds-abc123", "ocds-abc123"),
    ("ocds-abc123, ocds-9z9z9z", "ocds-abc123,ocds-9z9z9z"),
    ('["ocds-abc123"]', "ocds-abc123"),
    (["ocds-abc123"], ["ocds-abc123"]),
])
def test_ocid_prefix_accepts_the_ocds_form(value, expected):
    assert v.ogpcatalog_ocid_prefix(value) == expected


@pytest.mark.parametrize("value", ["ocds-ABC123", "ocds-abc12", "ocds-abc1234", "abc123", "ocds_abc123"])
def test_ocid_prefix_rejects_other_forms_and_names_the_value(value):
    with pytest.raises(tk.Invalid, match="ocds-"):
        v.ogpcatalog_ocid_prefix(value)


def test_currency_is_normalised_to_iso_4217():
    assert v.ogpcatalog_currency("usd, cop") == "USD,COP"


@pytest.mark.parametrize("value", ["DOLLAR", "XXX", "US$", "ZZZ"])
def test_unknown_currency_is_rejected(value):
    with pytest.raises(tk.Invalid, match="ISO 4217"):
        v.ogpcatalog_currency(value)


def test_ogp_identifier_is_country_and_four_digits():
    assert v.ogpcatalog_ogp_identifier("ec0003") == "EC0003"


@pytest.mark.parametrize("value", ["EC003", "ECU0003", "ZZ0003", "0003EC", ""])
def test_bad_ogp_identifier_is_rejected(value):
    with pytest.raises(tk.Invalid, match="EC0003"):
        v.ogpcatalog_ogp_identifier(value)


def _check_legal_identifier(scheme: str, value: str):
    data = {("legal_identifier",): value, ("legal_identifier_scheme",): scheme}
    errors = defaultdict(list)
    v.ogpcatalog_legal_identifier(("legal_identifier",), data, errors, {})
    return data[("legal_identifier",)], errors[("legal_identifier",)]


@pytest.mark.parametrize("scheme,value,normalised", [
    ("AR-CUIT", "20-17254359-7", "20172543597"),
    ("CO-NIT", "860.007.386-1", "8600073861"),
    ("EC-RUC", "1760001550001", "1760001550001"),   # public institution
    ("EC-RUC", "1790010937001", "1790010937001"),   # private company
    ("XX-OTHER", " ABC/123 ", "ABC/123"),           # unknown schemes are kept as given
])
def test_legal_identifier_valid_per_scheme(scheme, value, normalised):
    assert _check_legal_identifier(scheme, value) == (normalised, [])


@pytest.mark.parametrize("scheme,value", [
    ("AR-CUIT", "20-17254359-0"),   # wrong check digit
    ("CO-NIT", "8600073862"),       # wrong check digit
    ("EC-RUC", "1712345678001"),    # identity card fails its check digit
    ("EC-RUC", "99123456789"),      # province 99, too short
])
def test_legal_identifier_invalid_per_scheme_names_the_scheme(scheme, value):
    _, errors = _check_legal_identifier(scheme, value)
    assert errors and scheme in errors[0]


@pytest.mark.parametrize("value", ["0", "12.5", "1,000,000", ""])
def test_non_negative_numbers_pass(value):
    assert v.ogpcatalog_non_negative_number(value) == value


@pytest.mark.parametrize("value", ["-1", "abc", "nan"])
def test_negative_or_non_numbers_are_rejected(value):
    with pytest.raises(tk.Invalid):
        v.ogpcatalog_non_negative_number(value)


def test_end_before_start_is_an_error_on_the_end_field():
    validator = v.ogpcatalog_not_before("period_start")
    errors = defaultdict(list)
    data = {("period_start",): "2022-05-01", ("period_end",): "2021-12-31"}

    validator(("period_end",), data, errors, {})

    assert "2021-12-31" in errors[("period_end",)][0]
    errors.clear()
    validator(("period_end",), {("period_start",): "2021-01-01", ("period_end",): "2021-01-01"}, errors, {})
    assert not errors


@pytest.mark.usefixtures("with_plugins")
def test_validators_are_registered_with_ckan():
    for name in v.__all__:
        assert tk.get_validator(name)


def test_every_message_of_the_extension_has_a_spanish_translation():
    from pathlib import Path
    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "i18n" / "es" / "LC_MESSAGES" / "ckanext-ogpcatalog.po"
    catalog = read_po(po.open("rb"))
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]

    assert untranslated == []


@pytest.mark.usefixtures("with_plugins")
def test_validation_message_is_in_spanish_for_a_spanish_request(app):
    from ckan.lib.i18n import set_lang

    with app.flask_app.test_request_context("/es/"):
        set_lang("es")
        with pytest.raises(tk.Invalid) as info:
            v.ogpcatalog_currency("DOLLAR")
    assert "Moneda desconocida: DOLLAR" in str(info.value)
