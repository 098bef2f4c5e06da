"""The search-index form of the schemas' fields (``IPackageController.before_dataset_index``).

CKAN indexes a scheming field as the raw string stored in its extra: a JSON list of codes or a
JSON object of languages, useless for facets and filters. Here, field by field:

- codelist fields, lists of codes (currencies, OCID prefixes) and references to datasets and
  institutions become exact values (lists are multi-valued), so
  ``fq=procurement_methods:open`` and facets work; their labels in both languages are added to
  the full text;
- bilingual fields become the text of both languages (a dataset is found by words of either);
- repeating fields (milestones, supporting institutions) are indexed as
  ``<field>_<subfield>``, with the same rules;
- a field marked ``ogpcatalog_index_as_group: true`` (a commitment's action plan) also puts the
  dataset in that group's listing;
- the owner institution's type, sector and level of government are copied onto the dataset.
"""
from __future__ import annotations

import json
from typing import Any

from ckanext.scheming.helpers import scheming_dataset_schemas, scheming_get_dataset_schema

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.fields import bilingual

INSTITUTION_FIELDS = ("institution_type", "sector", "government_level")


def field_kind(field: dict[str, Any]) -> str | None:
    """How a schema field is indexed: bilingual, codes, refs, repeating, or None (as CKAN does)."""
    if "repeating_subfields" in field:
        return "repeating"
    if field.get("ogpcatalog_bilingual"):
        return "bilingual"
    if field.get("codelist"):
        return "codes"
    if field.get("preset") in ("ogpcatalog_dataset_refs", "ogpcatalog_institution_ref",
                               "multiple_text"):
        return "refs"
    return None


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _labels(field: dict[str, Any], codes: list[str]) -> str:
    labels = []
    for code in codes:
        entry = codelists.get(field["codelist"]).get(code)
        if entry:
            labels.extend(entry.label[lang] for lang in bilingual.LANGUAGES)
    return " ".join(labels)


def _index_value(field: dict[str, Any], value: Any, exact: dict[str, list[str]],
                 text: list[str], key: str) -> None:
    kind = field_kind(field)
    if kind == "bilingual":
        if isinstance(value, dict):
            text.append(bilingual.joined(value))
    elif kind == "codes":
        codes = _as_list(value)
        exact.setdefault(key, []).extend(codes)
        text.append(_labels(field, codes))
    elif kind == "refs":
        exact.setdefault(key, []).extend(_as_list(value))
    elif isinstance(value, str):
        # plain text inside a repeating field (a contact's name, a place)
        text.append(value)


def index_fields(pkg_dict: dict[str, Any], institution_extras=None) -> dict[str, Any]:
    """Rewrite the schema fields of ``pkg_dict`` (the dict CKAN is about to index).

    :param institution_extras: ``owner_org id -> {field: value}``, for the institution fields
    """
    schema = scheming_get_dataset_schema(pkg_dict.get("dataset_type") or "dataset")
    validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    if schema:
        for field in schema["dataset_fields"]:
            _index_field(pkg_dict, field, validated.get(field["field_name"]))
    if institution_extras and pkg_dict.get("owner_org"):
        extras = institution_extras(pkg_dict["owner_org"]) or {}
        for name in INSTITUTION_FIELDS:
            if extras.get(name):
                pkg_dict[name] = extras[name]
    return pkg_dict


def _index_field(pkg_dict: dict[str, Any], field: dict[str, Any], value: Any) -> None:
    name = field["field_name"]
    if field.get("ogpcatalog_index_as_group") and isinstance(value, str) and value:
        groups = list(pkg_dict.get("groups") or [])
        if value not in groups:
            pkg_dict["groups"] = groups + [value]
    kind = field_kind(field)
    if kind is None:
        return
    exact: dict[str, list[str]] = {}
    text: list[str] = []
    if kind == "repeating":
        for item in value if isinstance(value, list) else []:
            for sub in field["repeating_subfields"]:
                _index_value(sub, item.get(sub["field_name"]), exact, text,
                             f"{name}_{sub['field_name']}")
    else:
        _index_value(field, value, exact, text, name)
    pkg_dict.pop(name, None)
    pkg_dict.pop("extras_" + name, None)
    for key, values in exact.items():
        unique = list(dict.fromkeys(values))
        if unique:
            pkg_dict[key] = unique
    joined = "\n".join(t for t in text if t)
    if joined:
        pkg_dict["extras_" + name] = joined


def institution_extras(owner_org: str) -> dict[str, str]:
    """The institution fields of an organization (its extras), read in the indexing session."""
    from ckan import model

    group = model.Group.get(owner_org)
    if group is None:
        return {}
    extras = group.extras or {}  # NULL for organizations written outside CKAN's actions
    return {name: extras[name] for name in INSTITUTION_FIELDS if extras.get(name)}


def multivalued_index_fields() -> list[str]:
    """The exact index fields this hook writes as lists, over every dataset type: Solr needs
    them declared multi-valued (CKAN's Solr schema makes unknown fields single strings)."""
    names: set[str] = set()
    for schema in scheming_dataset_schemas().values():
        for field in schema["dataset_fields"]:
            kind = field_kind(field)
            if kind == "repeating":
                names.update(f"{field['field_name']}_{sub['field_name']}"
                             for sub in field["repeating_subfields"]
                             if field_kind(sub) in ("codes", "refs"))
            elif kind in ("codes", "refs"):
                names.add(field["field_name"])
    return sorted(names)
