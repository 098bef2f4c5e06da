"""schema.org ``Dataset`` of a dataset page (JSON-LD in its ``<head>``), for Google Dataset
Search and other search engines.

Every dataset type (dataset, procurement, commitment...) gets one, in the page's language
(``inLanguage`` says which), with the properties Google documents
(https://developers.google.com/search/docs/appearance/structured-data/dataset): required
``name`` and ``description`` (50 to 5,000 characters: a shorter description is completed
with a sentence saying what the dataset is and who publishes it, a longer one is cut at a word
boundary), and the recommended ``url``, ``identifier``, ``keywords``, ``license``,
``creator``/``publisher``, ``temporalCoverage``, ``spatialCoverage``, ``distribution``
(``DataDownload`` with ``encodingFormat`` and ``contentUrl``), ``dateModified``,
``datePublished``, ``isAccessibleForFree`` and ``includedInDataCatalog``.
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from markupsafe import Markup

from ckanext.ogpcatalog.codelists import label as codelist_label
from ckanext.ogpcatalog.fields import bilingual
from ckanext.ogpcatalog.language import N_, current_language
from ckanext.ogpcatalog.language.display_names import localize

__all__ = ["DESCRIPTION_MIN", "DESCRIPTION_MAX", "dataset_to_schema_org", "script_json",
           "portal_name", "description_for_search_engines"]

DESCRIPTION_MIN = 50
DESCRIPTION_MAX = 5000

# Where a dataset type keeps its period (start, end): the DCAT-AP fields otherwise.
_PERIOD_FIELDS = {"procurement": ("period_start", "period_end"),
                  "commitment": ("start_date", "end_date")}
_KIND_NAMES = {"procurement": N_("Public procurement dataset"),
               "commitment": N_("Open government commitment"),
               "dataset": N_("Dataset")}


def portal_name(language: str) -> str:
    """The portal's name in ``language`` (``ckanext.ogpcatalog.portal.name`` / ``name_en``),
    else ``ckan.site_title``."""
    key = "ckanext.ogpcatalog.portal.name"
    names = [tk.config.get(f"{key}_{language}") if language != "es" else None, tk.config.get(key)]
    return next((str(n).strip() for n in names if n and str(n).strip()),
                tk.config.get("ckan.site_title") or "")


def _text(value: Any, language: str) -> tuple[str, str | None]:
    return bilingual.pick(value, language)


def _plain(markdown_text: str) -> str:
    if not markdown_text:
        return ""
    try:
        return str(tk.h.markdown_extract(markdown_text, extract_length=0)).strip()
    except (RuntimeError, TypeError, AttributeError):  # outside a request: keep the text
        return markdown_text.strip()


def description_for_search_engines(description: str, title: str, kind: str,
                                   publisher: str, portal: str) -> str:
    """A description Google accepts (50 to 5,000 characters) in the current language.

    Shorter: completed with what the dataset is and who publishes it; longer: cut at the
    last word boundary before the limit, with an ellipsis.
    """
    text = " ".join((description or "").split())
    if len(text) < DESCRIPTION_MIN:
        if publisher:
            about = tk._("{kind} «{title}», published by {publisher} in the open data catalogue "
                         "{portal}.").format(kind=tk._(kind), title=title, publisher=publisher,
                                             portal=portal)
        else:
            about = tk._("{kind} «{title}» in the open data catalogue {portal}.").format(
                kind=tk._(kind), title=title, portal=portal)
        text = f"{text} {about}".strip() if text else about
        if len(text) < DESCRIPTION_MIN:  # very short names everywhere: say where it lives
            text = f"{text} {tk.config.get('ckan.site_url') or ''}".strip().ljust(
                DESCRIPTION_MIN, ".")
    if len(text) > DESCRIPTION_MAX:
        cut = text[:DESCRIPTION_MAX - 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > DESCRIPTION_MAX // 2 else cut).rstrip() + "…"
    return text


def _period(pkg: dict[str, Any]) -> str | None:
    start_key, end_key = _PERIOD_FIELDS.get(pkg.get("type") or "", ("", ""))
    periods = [{"start": pkg.get(start_key), "end": pkg.get(end_key)}] if start_key else []
    periods += [p for p in pkg.get("temporal_coverage") or [] if isinstance(p, dict)]
    for period in periods:
        start = str(period.get("start") or "")[:10]
        end = str(period.get("end") or "")[:10]
        if start or end:
            return f"{start or '..'}/{end or '..'}"
    return None


def _places(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    places = []
    for place in pkg.get("spatial_coverage") or []:
        if not isinstance(place, dict) or not (place.get("text") or place.get("uri")):
            continue
        item: dict[str, Any] = {"@type": "Place"}
        if place.get("text"):
            item["name"] = place["text"]
        if place.get("uri"):
            item["sameAs"] = place["uri"]
        places.append(item)
    return places


def _institution(pkg: dict[str, Any], site_url: str, language: str) -> dict[str, Any] | None:
    """The dataset's institution, named in ``language`` (its bilingual title is kept in the
    group's extras; ``package_show`` carries only the default-language title)."""
    org = pkg.get("organization") or {}
    if not org.get("name"):
        return None
    name = org.get("title") or org["name"]
    group = model.Group.get(org["name"])
    if group is not None:
        extras = [{"key": key, "value": value} for key, value in (group.extras or {}).items()]
        name = localize({"display_name": name, "extras": extras}, language)["display_name"]
    return {"@type": "Organization", "name": name,
            "url": f"{site_url}/organization/{org['name']}"}


def _distributions(pkg: dict[str, Any], language: str) -> list[dict[str, Any]]:
    downloads = []
    for resource in pkg.get("resources") or []:
        url = resource.get("download_url") or resource.get("url") or ""
        if not str(url).lower().startswith(("http://", "https://")):
            continue
        item: dict[str, Any] = {"@type": "DataDownload", "contentUrl": url}
        encoding = resource.get("mimetype") or resource.get("format")
        if encoding:
            item["encodingFormat"] = encoding
        name = _text(resource.get("name_translated"), language)[0] or resource.get("name")
        if name:
            item["name"] = name
        if resource.get("last_modified") or resource.get("metadata_modified"):
            item["dateModified"] = resource.get("last_modified") or resource["metadata_modified"]
        downloads.append(item)
    return downloads


def _keywords(pkg: dict[str, Any], language: str) -> list[str]:
    words = [tag["name"] for tag in pkg.get("tags") or [] if tag.get("name")]
    for code in pkg.get("theme") or []:
        theme = codelist_label("eu-data-theme", code, language)
        if theme and theme not in words:
            words.append(theme)
    return words


def dataset_to_schema_org(pkg: dict[str, Any], language: str | None = None,
                          page_url: str | None = None) -> dict[str, Any]:
    """The schema.org ``Dataset`` of a dataset (a ``package_show`` dict).

    :param language: the page's language (the request's when None)
    :param page_url: the dataset page's address (``<site_url>/<type>/<name>`` when None)
    """
    language = language or current_language()
    site_url = (tk.config.get("ckan.site_url") or "").rstrip("/")
    dataset_type = pkg.get("type") or "dataset"
    page_url = page_url or f"{site_url}/{dataset_type}/{pkg['name']}"
    title, title_language = _text(pkg.get("title_translated"), language)
    title = title or pkg.get("title") or pkg["name"]
    notes, notes_language = _text(pkg.get("notes_translated"), language)
    notes = _plain(notes or pkg.get("notes") or "")
    institution = _institution(pkg, site_url, language)
    portal = portal_name(language) or site_url
    kind = _KIND_NAMES.get(dataset_type, _KIND_NAMES["dataset"])

    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": page_url,
        "url": page_url,
        "name": title,
        "description": description_for_search_engines(
            notes, title, kind, (institution or {}).get("name", ""), portal),
        "inLanguage": notes_language or title_language or language,
        "identifier": [value for value in (pkg.get("id"), pkg.get("ogp_id")) if value],
        "isAccessibleForFree": True,
        "includedInDataCatalog": {"@type": "DataCatalog", "name": portal, "url": site_url},
    }
    keywords = _keywords(pkg, language)
    if keywords:
        data["keywords"] = keywords
    if pkg.get("license_url") or pkg.get("license_title"):
        data["license"] = pkg.get("license_url") or {"@type": "CreativeWork",
                                                     "name": pkg["license_title"]}
    if institution:
        data["creator"] = institution
        data["publisher"] = institution
    period = _period(pkg)
    if period:
        data["temporalCoverage"] = period
    places = _places(pkg)
    if places:
        data["spatialCoverage"] = places if len(places) > 1 else places[0]
    distributions = _distributions(pkg, language)
    if distributions:
        data["distribution"] = distributions
    data["dateModified"] = pkg.get("metadata_modified")
    data["datePublished"] = pkg.get("issued") or pkg.get("metadata_created")
    if pkg.get("url") and pkg["url"] != page_url:
        data["sameAs"] = pkg["url"]
    if pkg.get("version"):
        data["version"] = pkg["version"]
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def script_json(data: dict[str, Any]) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">``: ``<``, ``>`` and ``&`` escaped
    (a title holding ``</script>`` cannot end the element)."""
    text = json.dumps(data, ensure_ascii=False, indent=None)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
