"""Template helpers (every name in ``__all__`` is registered as ``h.<name>``).

Helpers read through actions, never the database directly.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import ckan.plugins.toolkit as tk
from babel import Locale
from babel.numbers import format_currency, format_decimal

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.language import current_language, type_names
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


_language = current_language


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
    description: name them in the visitor's language (upstream_messages.HARVEST_MESSAGES).
    Registered only when the harvest plugin is loaded (logic/chains.py)."""
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


# --- the portal's front door: identity, headline figures, navigation (views/portal.py) ---

__all__ += [
    "ogpcatalog_portal_name",
    "ogpcatalog_portal_identity",
    "ogpcatalog_home_figures",
    "ogpcatalog_user_initials",
    "ogpcatalog_new_dataset_links",
    "ogpcatalog_dashboard_links",
]

_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# The default identity (config_declaration.yaml repeats these defaults).
_DEFAULT_COLOURS = {"primary": "#1d4e89", "accent": "#0f766e"}
_HOME_TYPES = ("dataset", "procurement", "commitment")


def _in_language(key: str) -> str:
    """A portal text from the config: ``<key>_en`` on English pages (when set), else ``<key>``."""
    if _language() == "en":
        english = (tk.config.get(f"{key}_en") or "").strip()
        if english:
            return english
    return (tk.config.get(key) or "").strip()


def ogpcatalog_portal_name() -> str:
    """The portal's name in the visitor's language (``ckanext.ogpcatalog.portal.name`` and
    ``name_en``), else CKAN's ``ckan.site_title``."""
    return _in_language("ckanext.ogpcatalog.portal.name") or tk.config.get("ckan.site_title") or ""


def ogpcatalog_portal_identity() -> dict[str, Any]:
    """Name, tagline, logo and colours of the portal (config keys ``ckanext.ogpcatalog.portal.*``).
    A colour that is not ``#rgb``/``#rrggbb`` falls back to the default identity's."""
    colours = {}
    for role, default in _DEFAULT_COLOURS.items():
        value = (tk.config.get(f"ckanext.ogpcatalog.portal.colour_{role}") or "").strip()
        colours[role] = value if _COLOUR.fullmatch(value) else default
    return {
        "name": ogpcatalog_portal_name(),
        "tagline": _in_language("ckanext.ogpcatalog.portal.tagline"),
        "logo": (tk.config.get("ckanext.ogpcatalog.portal.logo") or "").strip(),
        "colours": colours,
    }


def _visitor_context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def ogpcatalog_home_figures() -> dict[str, Any]:
    """The home page's headline figures, from what the visitor may see (``package_search``):
    datasets of each type, institutions that publish, procurement processes and their declared
    value per currency, commitments by status."""
    search = tk.get_action("package_search")
    type_query = "dataset_type:(" + " OR ".join(_HOME_TYPES) + ")"
    try:
        counts = search(_visitor_context(), {
            "q": "", "fq": type_query, "rows": 0, "facet.limit": -1,
            "facet.field": ["dataset_type", "organization", "commitment_status"]})
        procurement = search(_visitor_context(), {
            "q": "", "fq": "dataset_type:procurement", "rows": 1000})
    except (tk.NotAuthorized, tk.ValidationError, tk.ObjectNotFound):
        return {}
    facets = counts.get("facets") or {}
    by_type = {t: int((facets.get("dataset_type") or {}).get(t, 0)) for t in _HOME_TYPES}
    processes = 0
    values: dict[str, Decimal] = {}
    for pkg in procurement.get("results") or []:
        count = _number(pkg.get("process_count"))
        processes += int(count) if count is not None and count.is_finite() else 0
        for item in pkg.get("total_values") or []:
            amount = _number((item or {}).get("amount"))
            currency = (item or {}).get("currency")
            if amount is not None and amount.is_finite() and currency:
                values[currency] = values.get(currency, Decimal(0)) + amount
    statuses = {code: int(n) for code, n in (facets.get("commitment_status") or {}).items()}
    commitments = by_type["commitment"]
    completed = statuses.get("completed", 0)
    return {
        "datasets": by_type["dataset"],
        "all_datasets": sum(by_type.values()),
        "institutions": len([n for n in (facets.get("organization") or {}).values() if n]),
        "procurement": by_type["procurement"],
        "processes": processes,
        "values": [{"currency": c, "amount": values[c], "text": _whole_money(values[c], c)}
                   for c in sorted(values)],
        "commitments": commitments,
        "commitment_statuses": [
            {"code": code, "label": ogpcatalog_codelist_label("commitment-status", code),
             "count": statuses.get(code, 0)}
            for code in ("completed", "in-progress", "not-started", "withdrawn")
            if statuses.get(code)],
        "completed_percent": round(100 * completed / commitments) if commitments else None,
    }


def _whole_money(amount: Decimal, currency: str) -> str:
    """An amount without its cents (a headline figure), as the visitor's language writes it."""
    try:
        pattern = Locale.parse(_language()).currency_formats["standard"].pattern
        return format_currency(amount, currency, locale=_language(),
                               format=pattern.replace(".00", ""), currency_digits=False)
    except (ValueError, TypeError, KeyError):
        return ogpcatalog_format_money(amount, currency)


def ogpcatalog_user_initials(user: Any) -> str:
    """Up to two initials of a user's display name (the header shows them instead of an
    external avatar image)."""
    name = (getattr(user, "display_name", None) or getattr(user, "name", None) or "").strip()
    words = [w for w in re.split(r"[\s._@-]+", name) if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def ogpcatalog_new_dataset_links(owner_org: str | None = None) -> list[dict[str, str]]:
    """One "add" link per dataset type the portal has (general dataset, procurement,
    commitment), named in the visitor's language, for the "Add dataset" buttons."""
    links = []
    for dataset_type in _HOME_TYPES:
        try:
            url = tk.h.url_for(f"{dataset_type}.new", **({"owner_org": owner_org} if owner_org else {}))
        except Exception:  # noqa: BLE001 - a type whose schema is not loaded has no form
            continue
        links.append({"type": dataset_type, "url": url,
                      "label": tk.h.humanize_entity_type("package", dataset_type, "add link")
                      or tk._("Add Dataset")})
    return links


def ogpcatalog_dashboard_links() -> list[dict[str, str]]:
    """The publishers dashboard links the visitor may follow: the portal-wide dashboard
    (``/publishers``) for whom may read it, and each institution's figures for its editors and
    admins (``/publishers/<name>``, views/metrics.py)."""
    context = _visitor_context()
    links = []
    try:
        tk.check_access("ogpcatalog_metrics_summary_show", dict(context), {})
        links.append({"kind": "portal", "url": tk.h.url_for("ogpcatalog_metrics.index"),
                      "label": tk._("Publishers dashboard")})
    except (tk.NotAuthorized, ValueError, KeyError):
        pass
    if tk.current_user.is_authenticated and not getattr(tk.current_user, "sysadmin", False):
        try:
            own = tk.get_action("organization_list_for_user")(
                dict(context), {"id": tk.current_user.id, "permission": "create_dataset"})
        except (tk.NotAuthorized, tk.ObjectNotFound):
            own = []
        for org in own[:3]:
            title = ogpcatalog_institution_title(org["name"])
            label = (tk._("My institution's figures") if len(own) == 1
                     else tk._("Figures of {institution}").format(institution=org["name"].upper()))
            links.append({"kind": "institution", "label": label, "title": title,
                          "url": tk.h.url_for("ogpcatalog_metrics.institution", id=org["name"])})
    return links
