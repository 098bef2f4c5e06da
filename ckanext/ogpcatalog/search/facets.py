"""Facets of the search pages: which schema fields each dataset type offers as facets, and
their codes shown as labels in the visitor's language (``IFacets``, ``after_dataset_search``)."""
from __future__ import annotations

import functools
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.scheming.helpers import (
    scheming_dataset_schemas, scheming_get_organization_schema, scheming_language_text,
)

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.language import current_language, request_language, type_names
from ckanext.ogpcatalog.language.display_names import localize

# Facets per dataset type, after CKAN's own; the search page of `dataset` lists every type.
TYPE_FACETS: dict[str, tuple[str, ...]] = {
    "dataset": ("dataset_type", "theme", "institution_type", "frequency", "procurement_methods",
                "main_categories", "stages", "ogp_values", "policy_areas", "irm_completion"),
    "procurement": ("institution_type", "buyer", "procurement_methods", "main_categories",
                    "stages", "emergency", "currencies", "ocds_package_type"),
    "commitment": ("action_plan", "lead_institution", "commitment_status", "ogp_values",
                   "policy_areas", "irm_completion", "irm_potential_impact", "irm_starred",
                   "irm_potential_for_results", "irm_early_results"),
}
ORGANIZATION_FACETS = ("dataset_type", "theme", "procurement_methods", "ogp_values")


_language = current_language


@functools.lru_cache(maxsize=1)
def _fields() -> dict[str, dict[str, Any]]:
    """Index field name -> its schema field (first schema that has it), over every dataset
    type, repeating subfields (as ``<field>_<subfield>``) and the institution fields."""
    found: dict[str, dict[str, Any]] = {}
    for schema in scheming_dataset_schemas().values():
        for field in schema["dataset_fields"]:
            found.setdefault(field["field_name"], field)
            for sub in field.get("repeating_subfields", ()):
                found.setdefault(f"{field['field_name']}_{sub['field_name']}", sub)
    organization = scheming_get_organization_schema("organization") or {}
    for field in organization.get("fields", ()):
        found.setdefault(field["field_name"], field)
    return found


def _type_labels() -> dict[str, str]:
    return {
        "dataset": tk._("Dataset"),
        "procurement": tk._("Public procurement"),
        "commitment": tk._("Action-plan commitment"),
        "harvest": tk._("Harvest source"),
    }


def facet_title(name: str) -> str:
    if name == "dataset_type":
        return tk._("Type")
    field = _fields().get(name)
    if field and field.get("label"):
        return scheming_language_text(field["label"], _language())
    return name


def _name_theme_facet(facets_dict: dict[str, Any]) -> None:
    """CKAN's "Groups" and "Organizations" facets are the portal's themes and institutions."""
    if "groups" in facets_dict:
        facets_dict["groups"] = type_names.humanize("group", "facet label")
    if "organization" in facets_dict:
        facets_dict["organization"] = type_names.humanize("organization", "facet label")


def add_facets(facets_dict: dict[str, Any], package_type: str | None) -> dict[str, Any]:
    _name_theme_facet(facets_dict)
    for name in TYPE_FACETS.get(package_type or "dataset", TYPE_FACETS["dataset"]):
        facets_dict[name] = facet_title(name)
    return facets_dict


def add_organization_facets(facets_dict: dict[str, Any]) -> dict[str, Any]:
    _name_theme_facet(facets_dict)
    for name in ORGANIZATION_FACETS:
        facets_dict[name] = facet_title(name)
    return facets_dict


def _group_titles(names: list[str]) -> dict[str, str]:
    """Names in the visitor's language (their ``display_name``, see display_names.py) of the
    institutions, themes or action plans a facet names.

    Read from the model, not through ``organization_list``/``group_list``: with ``all_fields``
    those count every group's datasets with one more search per request."""
    if not names:
        return {}
    language = request_language()
    titles = {}
    for group in model.Session.query(model.Group).filter(model.Group.name.in_(names)):
        extras = [{"key": key, "value": value} for key, value in (group.extras or {}).items()]
        named = localize({"display_name": group.display_name, "extras": extras}, language)
        titles[group.name] = named["display_name"]
    return titles


def label_facet_items(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show codes as labels in every facet the portal's schemas know (API and pages)."""
    language = _language()
    fields = _fields()
    for name, facet in (search_results.get("search_facets") or {}).items():
        if name == "dataset_type":
            labels = _type_labels()
            for item in facet.get("items", ()):
                item["display_name"] = labels.get(item["name"], item["name"])
            continue
        if name in ("organization", "groups"):
            # CKAN's own facets name institutions and themes in the default language
            titles = _group_titles([item["name"] for item in facet.get("items", ())])
            for item in facet.get("items", ()):
                item["display_name"] = titles.get(item["name"], item["display_name"])
            continue
        field = fields.get(name)
        if not field:
            continue
        if field.get("ogpcatalog_index_as_group") or field.get("preset") == "ogpcatalog_institution_ref":
            titles = _group_titles([item["name"] for item in facet.get("items", ())])
            for item in facet.get("items", ()):
                item["display_name"] = titles.get(item["name"], item["name"])
        elif field.get("codelist"):
            for item in facet.get("items", ()):
                item["display_name"] = codelists.label(field["codelist"], item["name"], language)
        elif field.get("choices"):
            for item in facet.get("items", ()):
                choice = next((c for c in field["choices"] if str(c["value"]) == item["name"]), None)
                if choice:
                    item["display_name"] = scheming_language_text(choice["label"], language)
    return search_results
