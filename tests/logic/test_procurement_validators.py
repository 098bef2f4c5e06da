"""Validators of the procurement schema: lists, yes/no flags, counts, amounts, conditional fields."""
from __future__ import annotations

from collections import defaultdict

import pytest

import ckan.plugins.toolkit as tk
from ckanext.ogpcatalog.logic import validators as v

SCHEMA = {"dataset_fields": [
    {"field_name": "emergency", "label": {"es": "Contratación de emergencia", "en": "Emergency procurement"},
     "choices": [{"value": "true", "label": {"es": "Sí", "en": "Yes"}},
                 {"value": "false", "label": {"es": "No", "en": "No"}}]},
    {"field_name": "emergency_legal_basis", "label": {"es": "Base legal", "en": "Legal basis"}},
]}


def _run(validator, data: dict, key=("emergency_legal_basis",)):
    data = {k if isinstance(k, tuple) else (k,): value for k, value in data.items()}
    data.setdefault(key, tk.missing)
    errors = defaultdict(list)
    try:
        validator(key, data, errors, {})
    except tk.StopOnError:
        pass
    return data, errors[key]


@pytest.mark.parametrize("value,expected", [
    (["ocds-abc123", " ocds-def456 "], ["ocds-abc123", "ocds-def456"]),
    ("USD, EUR", ["USD", "EUR"]),
    ('["USD"]', ["USD"]),
    ("USD", ["USD"]),
])
def test_list_takes_a_list_json_or_comma_separated_text(value, expected):
    data, errors = _run(v.ogpcatalog_list, {"currencies": value}, key=("currencies",))
    assert data[("currencies",)] == expected and errors == []


@pytest.mark.parametrize("value", ["", [], [""], tk.missing])
def test_empty_list_removes_the_field(value):
    data, errors = _run(v.ogpcatalog_list, {"currencies": value}, key=("currencies",))
    assert ("currencies",) not in data and errors == []


@pytest.mark.parametrize("value,expected", [
    (True, "true"), (False, "false"), ("Sí", "true"), ("yes", "true"), ("1", "true"),
    ("No", "false"), ("0", "false"), ("true", "true"), ("", ""), ("maybe", "maybe"),
])
def test_boolean_text_spells_flags_as_true_or_false(value, expected):
    assert v.ogpcatalog_boolean_text(value) == expected


@pytest.mark.parametrize("value,expected", [("0", 0), (4312, 4312), ("4312", 4312), ("12.0", 12), ("", "")])
def test_count_is_a_whole_number(value, expected):
    assert v.ogpcatalog_count(value) == expected


@pytest.mark.parametrize("value,message", [("-3", "-3"), ("2.5", "2.5"), ("muchos", "muchos")])
def test_count_refuses_negative_fractional_and_non_numbers_naming_the_value(value, message):
    with pytest.raises(tk.Invalid, match=message):
        v.ogpcatalog_count(value)


@pytest.mark.parametrize("value,expected", [
    ("4312", 4312), ("1250000.50", 1250000.5), (0, 0), (12.5, 12.5), ("n/a", "n/a"), (None, None),
])
def test_number_output_returns_json_numbers(value, expected):
    assert v.ogpcatalog_number_output(value) == expected


def _required_if():
    # As ckanext-scheming builds it from "ogpcatalog_required_if(emergency,true)".
    factory = v.ogpcatalog_required_if("emergency", "true")
    assert factory.is_a_scheming_validator
    return factory(SCHEMA["dataset_fields"][1], SCHEMA)


@pytest.mark.parametrize("given", [tk.missing, "", {"es": " ", "en": ""}, '{"es": ""}'])
def test_required_if_asks_for_the_value_naming_the_condition_by_its_labels(given):
    _, errors = _run(_required_if(), {"emergency": "true", "emergency_legal_basis": given})
    assert len(errors) == 1
    assert "Contratación de emergencia" in errors[0] and "Sí" in errors[0]


@pytest.mark.parametrize("flag", [True, "sí", "true"])
def test_required_if_reads_the_other_field_in_any_spelling(flag):
    _, errors = _run(_required_if(), {"emergency": flag})
    assert errors


@pytest.mark.parametrize("data", [
    {"emergency": "false"},
    {"emergency": tk.missing},
    {"emergency": "true", "emergency_legal_basis": {"es": "Decreto Ejecutivo 1017"}},
    {"emergency": "true", "__extras": {"emergency_legal_basis-en": "Executive Decree 1017"}},
])
def test_required_if_passes_when_not_required_or_given(data):
    _, errors = _run(_required_if(), data)
    assert errors == []
