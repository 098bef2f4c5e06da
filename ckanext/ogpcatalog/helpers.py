"""Template helpers (every name in ``__all__`` is registered as ``h.<name>``).

Helpers read through actions, never the database directly.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import ckan.plugins.toolkit as tk
from babel import Locale
from babel.numbers import format_currency, format_decimal

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.language import type_names
from ckanext.ogpcatalog.commitments.evidence import ogpcatalog_evidence_freshness  # noqa: F401
from ckanext.ogpcatalog.fields import bilingual

__all__ = [
    "humanize_entity_type",
    "get_translated",
    "harvesters_info",
    "ogpcatalog_languages",
    "ogpcatalog_language_name",
    "ogpcatalog_bilingual_form_values",
    "ogpcatalog_text",
    "ogpcatalog_text_language",
    "ogpcatalog_fallback_hint",
    "ogpcatalog_codelist_choices",
    "ogpcatalog_codelist_label",
    "ogpcatalog_dataset_title",
    "ogpcatalog_institution_options",
    "ogpcatalog_institution_title",
    "ogpcatalog_commitment_evidence",
    "ogpcatalog_commitments_evidenced_by",
    "ogpcatalog_evidence_freshness",
    "ogpcatalog_action_plan",
    "ogpcatalog_action_plan_commitments",
    "ogpcatalog_action_plan_options",
    "ogpcatalog_format_number",
    "ogpcatalog_format_money",
    "ogpcatalog_ocds_suggestions",
]


# Chained helpers of other plugins' helpers: registered only when that plugin is loaded.
CHAINED_FROM_PLUGINS = {"harvesters_info": "harvest"}


_language = bilingual.current_language


# --- the portal's types in CKAN's own phrases ---

@tk.chained_helper
def humanize_entity_type(next_helper, entity_type: str, object_type: str, purpose: str):
    """"Añadir compromiso", "Planes de acción": the portal's types named in the visitor's
    language (see type_names.py); CKAN's own wording for every other type."""
    if entity_type != "activity":
        phrase = type_names.humanize(object_type, purpose)
        if phrase is not None:
            return phrase
    return next_helper(entity_type, object_type, purpose)


@tk.chained_helper
def harvesters_info(next_helper) -> list[dict[str, Any]]:
    """ckanext-harvest's form lists the harvesters by their untranslated title and
    description: name them in the visitor's language (upstream_messages.HARVEST_MESSAGES)."""
    return [dict(harvester, **{key: tk._(harvester[key]) for key in ("title", "description")
                               if harvester.get(key)})
            for harvester in next_helper()]


@tk.chained_helper
def get_translated(next_helper, data_dict: dict[str, Any], field: str) -> Any:
    """CKAN's ``get_translated`` also for the institution inside a dataset dict (breadcrumbs,
    sidebars), which carries only the plain title."""
    if (field == "title" and isinstance(data_dict, dict) and data_dict.get("is_organization")
            and "title_translated" not in data_dict and data_dict.get("name")):
        return ogpcatalog_institution_title(data_dict["name"])
    return next_helper(data_dict, field)


# --- bilingual fields ---

def ogpcatalog_languages() -> list[str]:
    """The languages of bilingual fields, the default one first."""
    first = bilingual.default_language()
    return [first] + [lang for lang in bilingual.LANGUAGES if lang != first]


def ogpcatalog_language_name(language: str) -> str:
    """A language's name in the visitor's language (``Español``, ``Inglés``)."""
    return Locale(language).get_display_name(_language()).capitalize()


def ogpcatalog_bilingual_form_values(data: dict[str, Any], field_name: str) -> dict[str, str]:
    """What the side-by-side inputs of a bilingual field show: the submitted inputs after a
    failed submission, else the stored value."""
    typed = {lang: data[f"{field_name}-{lang}"] for lang in bilingual.LANGUAGES
             if f"{field_name}-{lang}" in data}
    if typed:
        return {lang: str(text or "") for lang, text in typed.items()}
    return bilingual.loads(data.get(field_name))


def ogpcatalog_text(value: Any) -> str:
    """A bilingual value's text in the visitor's language, else in the other language."""
    return bilingual.pick(value, _language())[0]


def ogpcatalog_text_language(value: Any) -> str | None:
    """The language of the text that ``ogpcatalog_text`` shows."""
    return bilingual.pick(value, _language())[1]


def ogpcatalog_fallback_hint(language: str | None) -> str:
    """The hint next to a text shown in another language than the visitor's."""
    if language == "es":
        return tk._("Only in Spanish")
    if language == "en":
        return tk._("Only in English")
    return ""


# --- codelists ---

def ogpcatalog_codelist_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """ckanext-scheming ``choices_helper``: the codes of the field's ``codelist``
    (filtered by ``codelist_filter``), labelled in both languages."""
    return codelists.choices(field["codelist"], **(field.get("codelist_filter") or {}))


def ogpcatalog_codelist_label(codelist: str, code: str) -> str:
    """A code's label in the visitor's language."""
    return codelists.label(codelist, code, _language())


# --- references to datasets and institutions ---

def ogpcatalog_dataset_title(name: str) -> str:
    """A dataset's title in the visitor's language, or its name when it cannot be read."""
    try:
        dataset = tk.get_action("package_show")({}, {"id": name})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return name
    return ogpcatalog_text(dataset.get("title_translated")) or dataset.get("title") or name


def ogpcatalog_institution_options() -> list[dict[str, str]]:
    """Every institution as a select option, by title."""
    institutions = tk.get_action("organization_list")(
        {}, {"all_fields": True, "limit": 1000, "sort": "title asc"})
    return [{"value": org["name"], "text": org.get("display_name") or org["name"]}
            for org in institutions]


def ogpcatalog_institution_title(name: str) -> str:
    """An institution's title in the visitor's language, or its name."""
    try:
        org = tk.get_action("organization_show")(
            {}, {"id": name, "include_datasets": False, "include_users": False,
                 "include_followers": False, "include_groups": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return name
    return org.get("display_name") or name  # in the visitor's language (display_names.py)


# --- commitments ---

def _commitments(fq: str) -> list[dict[str, Any]]:
    """The commitments matching ``fq`` that the visitor may see, by OGP identifier."""
    result = tk.get_action("package_search")({}, {
        "fq": f"{fq} +dataset_type:commitment",
        "rows": 1000,
        "include_private": True,
    })
    return sorted(result["results"], key=lambda pkg: (pkg.get("ogp_id") or "", pkg["name"]))


def ogpcatalog_commitment_evidence(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """The datasets that evidence a commitment: those named in its milestones'
    ``evidence_datasets``, each once, in order of appearance. Datasets that no longer exist,
    were deleted, or that the visitor may not see are left out."""
    names: list[str] = []
    for milestone in pkg.get("milestones") or []:
        for name in milestone.get("evidence_datasets") or []:
            if name not in names:
                names.append(name)
    datasets = []
    for name in names:
        try:
            dataset = tk.get_action("package_show")({}, {"id": name})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            continue
        if dataset.get("state") == "active":
            datasets.append(dataset)
    return datasets


def ogpcatalog_commitments_evidenced_by(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """The commitments whose milestones name this dataset as evidence, by OGP identifier."""
    if not pkg.get("name") or pkg.get("type") == "commitment":
        return []
    return _commitments(f'milestones_evidence_datasets:"{pkg["name"]}"')


def ogpcatalog_action_plan(name: str) -> dict[str, Any] | None:
    """An action plan (group of type ``action-plan``) by name, or None when it cannot be read."""
    if not name:
        return None
    try:
        group = tk.get_action("group_show")({}, {
            "id": name, "include_datasets": False, "include_dataset_count": False,
            "include_users": False, "include_groups": False, "include_followers": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    return group if group.get("type") == "action-plan" else None


def ogpcatalog_action_plan_options() -> list[dict[str, str]]:
    """Every action plan as a select option, by title in the visitor's language."""
    plans = tk.get_action("group_list")({}, {"type": "action-plan", "all_fields": True,
                                             "include_extras": True, "limit": 1000})
    # display_name is in the visitor's language (fields/display_names.py).
    options = [{"value": plan["name"], "text": plan.get("display_name") or plan["name"]}
               for plan in plans]
    return sorted(options, key=lambda option: option["text"].lower())


def ogpcatalog_action_plan_commitments(name: str) -> list[dict[str, Any]]:
    """The commitments of an action plan, by OGP identifier."""
    if not name:
        return []
    return _commitments(f'action_plan:"{name}"')


# --- procurement ---

def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def ogpcatalog_format_number(value: Any) -> str:
    """A number as the visitor's language writes it (``58.210`` in Spanish, ``58,210`` in
    English); what is not a number is shown as it is."""
    number = _number(value)
    if number is None or not number.is_finite():
        return "" if value is None else str(value)
    return format_decimal(number, locale=_language())


def ogpcatalog_format_money(amount: Any, currency: str) -> str:
    """An amount with its ISO 4217 currency as the visitor's language writes it
    (``1.250.000,50 US$`` in Spanish, ``$1,250,000.50`` in English)."""
    number = _number(amount)
    if number is None or not number.is_finite():
        return f"{amount} {currency}".strip()
    try:
        return format_currency(number, currency, locale=_language())
    except (ValueError, TypeError):
        return f"{format_decimal(number, locale=_language())} {currency}"


def ogpcatalog_ocds_suggestions(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """Declared vs observed values of a procurement dataset's fields (its OCDS files)."""
    try:
        return tk.get_action("ogpcatalog_ocds_suggestions_show")({}, {"id": pkg["id"]})["fields"]
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return []
