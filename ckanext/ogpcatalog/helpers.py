"""Template helpers (every name in ``__all__`` is registered as ``h.<name>``).

Helpers read through actions, never the database directly.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import ckan.plugins.toolkit as tk
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.language import current_language, type_names
from ckanext.ogpcatalog.commitments.evidence import ogpcatalog_evidence_freshness  # noqa: F401
from ckanext.ogpcatalog.dcat import schema_org
from ckanext.ogpcatalog.fields import bilingual
from ckanext.ogpcatalog.search import facets

__all__ = [
    "humanize_entity_type",
    "render_markdown",
    "get_translated",
    "harvesters_info",
    "ogpcatalog_languages",
    "ogpcatalog_language_name",
    "ogpcatalog_bilingual_form_values",
    "ogpcatalog_text",
    "ogpcatalog_text_language",
    "ogpcatalog_fallback_hint",
    "ogpcatalog_group_bilingual",
    "ogpcatalog_codelist_choices",
    "ogpcatalog_codelist_label",
    "ogpcatalog_dataset_title",
    "ogpcatalog_dataset_label",
    "ogpcatalog_dataset_labels",
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
    "ogpcatalog_datetime",
    "ogpcatalog_search_result_text",
    "ogpcatalog_facet_value_label",
    "ogpcatalog_facet_full_label",
    "ogpcatalog_breadcrumb_label",
    "ogpcatalog_access_services",
    "ogpcatalog_repeating_item_title",
]


log = logging.getLogger(__name__)
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


_MARKDOWN_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(src|alt|title)\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)


def _image_as_link(match: re.Match[str]) -> str:
    attributes = {name.lower(): value[1:-1] for name, value in _ATTRIBUTE.findall(match.group(0))}
    source = attributes.get("src", "")
    if not re.match(r"https?://", source, re.IGNORECASE):
        return ""  # a relative or odd address: a broken image on every page
    label = attributes.get("alt") or attributes.get("title") or tk._("image")
    text = tk._("[Image: {label}]").format(label=label)
    return f'<a href="{source}" rel="nofollow noopener" class="ogp-markdown-image">{text}</a>'


@tk.chained_helper
def render_markdown(next_helper, data: str, auto_link: bool = True, allow_html: bool = False):
    """CKAN's Markdown, without images: a description's ``<img>`` (or ``![](...)``) becomes a
    link to the image (no request to another site on page load, no broken image), or nothing
    when its address is not an absolute http(s) one. nh3 has already escaped the attributes."""
    html = next_helper(data, auto_link=auto_link, allow_html=allow_html)
    if allow_html or "<img" not in str(html).lower():
        return html
    return tk.literal(_MARKDOWN_IMAGE.sub(_image_as_link, str(html)))


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


def ogpcatalog_search_result_text(object_type: str, count: int, query: str | None) -> str | None:
    """The result count of a search page of one of the portal's types, in the visitor's
    language (type_names.search_result_text); None for CKAN's own types."""
    return type_names.search_result_text(object_type, int(count or 0), query,
                                         tk.h.localised_number(int(count or 0)))


def ogpcatalog_facet_value_label(field: str, value: str, items: list[dict[str, Any]] | None = None) -> str:
    """An applied filter's value as the facet lists name it: the search's own facet item when
    it has one, else the label of the code (codelist, choice, institution, action plan)."""
    for item in items or ():
        if item.get("name") == value:
            return item.get("display_name") or value
    labelled = facets.label_facet_items(
        {"search_facets": {field: {"items": [{"name": value, "display_name": value}]}}})
    return labelled["search_facets"][field]["items"][0]["display_name"]


def ogpcatalog_facet_full_label(item: dict[str, Any]) -> str:
    """A facet item's whole name (institutions, themes, action plans: the facet list wraps it)."""
    return item.get("display_name") or item.get("name") or ""


def ogpcatalog_breadcrumb_label(text: str | None, length: int = 80) -> str:
    """A name for a breadcrumb: whole up to ``length`` characters, else cut at a word ("…")."""
    text = (text or "").strip()
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return f"{cut}…"


def ogpcatalog_access_services(value: Any) -> list[dict[str, str]]:
    """A resource's DCAT access services (ckanext-dcat stores them as JSON text) as
    ``{"title", "url", "description"}`` to show as links."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [{"title": value, "url": "", "description": ""}]
    services = []
    for service in value if isinstance(value, list) else [value]:
        if not isinstance(service, dict):
            continue
        endpoints = service.get("endpoint_url") or []
        endpoint = endpoints[0] if isinstance(endpoints, list) and endpoints else endpoints
        url = str(endpoint or service.get("uri") or "")
        title = service.get("title") or ""
        if isinstance(title, dict):
            title = ogpcatalog_text(title)
        description = service.get("description") or service.get("endpoint_description") or ""
        services.append({"title": str(title), "description": str(description),
                         "url": url if re.match(r"https?://", url) else ""})
    return services


def ogpcatalog_repeating_item_title(field: dict[str, Any], item: Any, length: int = 70) -> str:
    """What an item of a repeating field holds, as its heading in the form: an amount with its
    currency, else its first text sub-field given (in the visitor's language)."""
    if not isinstance(item, dict):
        return ""
    if item.get("amount") not in (None, "") and item.get("currency"):
        return ogpcatalog_format_money(item["amount"], item["currency"])
    for sub in field.get("repeating_subfields") or ():
        value = item.get(sub["field_name"])
        if sub.get("ogpcatalog_bilingual") or isinstance(value, dict):
            value = ogpcatalog_text(value)
        if isinstance(value, str) and value.strip() and "codelist" not in sub and not sub.get("choices"):
            return ogpcatalog_breadcrumb_label(value, length)
    return ""


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
    failed submission, else the stored value (else CKAN's plain field, in the default
    language)."""
    typed = {lang: data[f"{field_name}-{lang}"] for lang in bilingual.LANGUAGES
             if f"{field_name}-{lang}" in data}
    if typed:
        return {lang: str(text or "") for lang, text in typed.items()}
    stored = bilingual.loads(data.get(field_name))
    plain = data.get(field_name[: -len("_translated")]) if field_name.endswith("_translated") else None
    if not stored and isinstance(plain, str) and plain.strip():
        # A theme or institution created before its schema had bilingual fields: its plain
        # title/description is the default language's text.
        return {bilingual.default_language(): plain}
    return stored


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


def ogpcatalog_group_bilingual(group: dict[str, Any], field: str) -> Any:
    """An institution's or action plan's bilingual field (``title_translated``,
    ``description_translated``) whether the dict carries it as a field (``*_show``) or among its
    extras (``*_list`` with ``include_extras``); else its plain field (``title``,
    ``description``)."""
    value = group.get(field)
    if value in (None, "", {}):
        extras = {e.get("key"): e.get("value") for e in group.get("extras") or ()
                  if isinstance(e, dict)}
        value = extras.get(field)
    if value in (None, "", {}) and "extras" not in group and group.get("name"):
        # A theme or institution inside a dataset dict carries only its plain fields.
        value = _group_shown(group).get(field)
    if value in (None, "", {}):
        plain = field[: -len("_translated")] if field.endswith("_translated") else field
        value = group.get("display_name" if plain == "title" else plain) or ""
    return bilingual.loads(value) if isinstance(value, str) and value.startswith("{") else value


def _group_shown(group: dict[str, Any]) -> dict[str, Any]:
    """The group (theme, action plan) or institution a dataset dict names, as its show action
    gives it; empty when it cannot be read."""
    action = "organization_show" if group.get("is_organization") else "group_show"
    try:
        return tk.get_action(action)({}, {
            "id": group["name"], "include_datasets": False, "include_dataset_count": False,
            "include_users": False, "include_groups": False, "include_followers": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return {}


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


def ogpcatalog_dataset_label(dataset: dict[str, Any] | str) -> str:
    """How the evidence picker names a dataset (a dict or its name): its title in the
    visitor's language and its institution ("Puntos wifi — Ministerio de Telecomunicaciones");
    its name when it cannot be read."""
    if isinstance(dataset, str):
        try:
            dataset = tk.get_action("package_show")({}, {"id": dataset})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            return dataset
    title = ogpcatalog_text(dataset.get("title_translated")) or dataset.get("title") or dataset["name"]
    institution = (dataset.get("organization") or {}).get("name")
    return f"{title} — {ogpcatalog_institution_title(institution)}" if institution else title


def ogpcatalog_dataset_labels(names: list[str]) -> str:
    """The evidence picker's labels of the datasets already chosen, as a JSON object by name
    (plain text, so that the template escapes it into its attribute)."""
    return json.dumps({name: ogpcatalog_dataset_label(name) for name in names}, ensure_ascii=False)


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


# --- dates ---

def _as_datetime(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def ogpcatalog_datetime(value: Any, with_hours: bool = True) -> str:
    """A moment as the visitor's language writes it, in UTC: ``7 de diciembre de 2026, 11:37
    (UTC)`` / ``December 7, 2026, 11:37 (UTC)`` (CKAN's ``render_datetime(with_hours=True)``
    writes "diciembre 7, 2026" in every language). What is not a date is shown as it is."""
    moment = _as_datetime(value)
    if moment is None:
        return "" if value is None else str(value)
    moment = moment.astimezone(datetime.timezone.utc)
    day = format_date(moment, "long", locale=_language())
    if not with_hours:
        return day
    return tk._("{date}, {time} (UTC)").format(
        date=day, time=format_time(moment, "HH:mm", locale=_language()))


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
    except (tk.NotAuthorized, tk.ValidationError, tk.ObjectNotFound):
        return {}
    facets = counts.get("facets") or {}
    by_type = {t: int((facets.get("dataset_type") or {}).get(t, 0)) for t in _HOME_TYPES}
    totals = _procurement_totals()
    processes = totals["processes"]
    values = {currency: Decimal(amount) for currency, amount in totals["values"].items()}
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


_FIGURES_CACHE_KEY = "ogpcatalog:portal:procurement-totals:"
_PROCUREMENT_PAGE = 500


def _sum_procurement_totals() -> dict[str, Any]:
    """Processes and declared value per currency of every public procurement dataset (the
    search pages through them all: public datasets only, the same for every visitor)."""
    search = tk.get_action("package_search")
    processes = 0
    values: dict[str, Decimal] = {}
    start = 0
    while True:
        page = search({"ignore_auth": True}, {
            "q": "", "fq": "dataset_type:procurement", "rows": _PROCUREMENT_PAGE,
            "start": start, "sort": "name asc", "include_private": False})
        results = page.get("results") or []
        for pkg in results:
            count = _number(pkg.get("process_count"))
            processes += int(count) if count is not None and count.is_finite() else 0
            for item in pkg.get("total_values") or []:
                amount = _number((item or {}).get("amount"))
                currency = (item or {}).get("currency")
                if amount is not None and amount.is_finite() and currency:
                    values[currency] = values.get(currency, Decimal(0)) + amount
        start += len(results)
        if not results or start >= int(page.get("count") or 0):
            break
    return {"processes": processes, "values": {c: str(v) for c, v in values.items()}}


def _procurement_totals() -> dict[str, Any]:
    """:func:`_sum_procurement_totals`, reused from Redis for
    ``ckanext.ogpcatalog.portal.figures_cache_seconds`` (the home page is the most visited
    page: it no longer reads every procurement dataset on each view)."""
    seconds = int(tk.config.get("ckanext.ogpcatalog.portal.figures_cache_seconds") or 0)
    if seconds <= 0:
        return _sum_procurement_totals()
    scope = f'{tk.config.get("ckan.site_id")}|{tk.config.get("sqlalchemy.url")}'
    key = _FIGURES_CACHE_KEY + hashlib.sha256(scope.encode("utf-8")).hexdigest()
    try:
        from ckan.lib.redis import connect_to_redis
        redis = connect_to_redis()
        cached = redis.get(key)
    except Exception:  # noqa: BLE001 - without Redis the figures are summed every time
        return _sum_procurement_totals()
    if cached is not None:
        return json.loads(cached)
    totals = _sum_procurement_totals()
    try:
        redis.setex(key, seconds, json.dumps(totals))
    except Exception:  # noqa: BLE001
        pass
    return totals


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


# --- harvest job report: the records' notices (not errors; dcat/publishers.py) ---

__all__ += ["ogpcatalog_harvest_job_notices"]


def ogpcatalog_harvest_job_notices(job_id: str) -> list[dict[str, str]]:
    """The notices of a harvest job's records (unknown publishers): ``{"guid", "message"}``."""
    from ckanext.ogpcatalog.dcat.publishers import job_notices

    return job_notices(job_id)


def ogpcatalog_schema_org(pkg: dict[str, Any]) -> str:
    """The schema.org ``Dataset`` JSON-LD of a dataset page, in the page's language, safe to
    put inside ``<script type="application/ld+json">`` (dcat/schema_org.py); empty (and
    logged) when the dataset cannot be described, so that its page still opens."""
    try:
        page_url = tk.h.url_for(f"{pkg.get('type') or 'dataset'}.read", id=pkg["name"],
                                _external=True)
        return schema_org.script_json(schema_org.dataset_to_schema_org(pkg, _language(),
                                                                       page_url))
    except Exception:  # noqa: BLE001 - a record that cannot be described keeps its page
        log.exception("schema.org: dataset %s not described", pkg.get("name"))
        return ""


__all__ += ["ogpcatalog_schema_org"]
