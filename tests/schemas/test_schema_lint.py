"""Every schema of the portal loads, speaks both languages, and names only validators,
presets and codelists that exist (ckanext-dcat's own multilingual schema ships a mis-indented
`label:`: this is the test that would catch it)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import ckan.plugins.toolkit as tk
from ckanext.scheming import helpers as scheming
from ckanext.scheming.validation import validators_from_string

from ckanext.ogpcatalog import codelists

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "ckanext" / "ogpcatalog" / "schemas"
LANGUAGES = ("es", "en")
TEXT_KEYS = ("label", "help_text", "form_placeholder", "repeating_label")

pytestmark = pytest.mark.usefixtures("with_plugins")


def _schemas() -> dict[str, dict]:
    found = {f"dataset:{name}": schema for name, schema in scheming.scheming_dataset_schemas().items()}
    found.update({f"group:{name}": schema for name, schema in scheming.scheming_group_schemas().items()})
    found.update({f"organization:{name}": schema
                  for name, schema in scheming.scheming_organization_schemas().items()})
    return found


def _fields(schema: dict):
    for key in ("dataset_fields", "resource_fields", "fields"):
        for field in schema.get(key, ()):
            yield key, field
            for sub in field.get("repeating_subfields", ()):
                yield f"{key}.{field['field_name']}", sub


def test_every_schema_file_is_configured_and_loaded():
    files = {p.name for p in SCHEMA_DIR.glob("*.yaml")} - {"presets.yaml"}
    loaded = _schemas()
    assert set(loaded) == {"dataset:dataset", "dataset:procurement", "dataset:commitment",
                           "dataset:dataset_series", "dataset:data_service", "group:group", "group:action-plan", "organization:organization"}
    assert files == {"dataset.yaml", "procurement.yaml", "commitment.yaml", "action_plan.yaml",
                     "institution.yaml", "theme.yaml", "dataset_series.yaml", "data_service.yaml"}


@pytest.mark.parametrize("path", sorted(SCHEMA_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_schema_files_are_plain_yaml_with_dict_labels(path):
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(content, dict)


def test_every_label_help_text_and_placeholder_is_in_both_languages():
    problems = []
    for schema_name, schema in _schemas().items():
        for where, field in _fields(schema):
            for key in TEXT_KEYS:
                if key not in field or field[key] in (None, ""):
                    continue
                text = field[key]
                if not isinstance(text, dict) or not all(str(text.get(l, "")).strip() for l in LANGUAGES):
                    problems.append(f"{schema_name} {where}.{field['field_name']}.{key}: {text!r}")
            if "label" not in field:
                problems.append(f"{schema_name} {where}.{field['field_name']}: no label")
            for choice in field.get("choices", ()):
                if not isinstance(choice.get("label"), dict) or set(LANGUAGES) - set(choice["label"]):
                    problems.append(f"{schema_name} {field['field_name']} choice {choice!r}")
    assert problems == []


def test_every_codelist_named_by_a_field_exists_and_offers_codes():
    problems = []
    for schema_name, schema in _schemas().items():
        for where, field in _fields(schema):
            if "codelist" not in field:
                continue
            try:
                codes = codelists.choices(field["codelist"], **(field.get("codelist_filter") or {}))
            except codelists.CodelistError as error:
                problems.append(f"{schema_name} {field['field_name']}: {error}")
                continue
            if not codes:
                problems.append(f"{schema_name} {field['field_name']}: filter leaves no code")
    assert problems == []


def test_every_validator_string_resolves():
    problems = []
    for schema_name, schema in _schemas().items():
        for where, field in _fields(schema):
            for key in ("validators", "output_validators", "create_validators"):
                if field.get(key):
                    try:
                        validators_from_string(field[key], field, schema)
                    except (tk.UnknownValidator, SyntaxError, ValueError) as error:
                        problems.append(f"{schema_name} {field['field_name']}.{key}: {error}")
    assert problems == []


def test_field_names_are_unique_per_schema():
    for schema_name, schema in _schemas().items():
        for key in ("dataset_fields", "resource_fields", "fields"):
            names = [f["field_name"] for f in schema.get(key, ())]
            assert len(names) == len(set(names)), (schema_name, key)


def test_every_dataset_type_carries_the_shared_dcat_fields():
    for name, schema in scheming.scheming_dataset_schemas().items():
        names = {f["field_name"] for f in schema["dataset_fields"]}
        assert {"title_translated", "name", "notes_translated", "owner_org", "tag_string",
                "license_id"} <= names, name


def test_choices_helpers_resolve_to_labelled_codes():
    for schema_name, schema in _schemas().items():
        for where, field in _fields(schema):
            if field.get("choices_helper"):
                choices = scheming.scheming_field_choices(field)
                assert choices, (schema_name, field["field_name"])
                assert all(set(LANGUAGES) <= set(c["label"]) for c in choices)
