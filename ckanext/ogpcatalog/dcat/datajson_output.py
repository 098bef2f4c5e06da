"""The portal's catalogue as data.json, in the two flavours the harvest side reads
(:mod:`ckanext.ogpcatalog.dcat.datajson`):

``argentina``
    Argentina's "Perfil de Metadatos" (what every Argentine federal portal serves at
    ``/data.json`` and pydatajson validates; the base of the regional GEALC profile). Spanish by
    default. The profile requires of each dataset ``title`` (at most 100 characters: longer
    titles are cut at a word boundary), ``description``, ``publisher.name``, ``superTheme``
    (EU data theme codes: the dataset's themes, else
    ``ckanext.ogpcatalog.feeds.datajson_default_super_theme``), ``accrualPeriodicity`` (ISO 8601
    repeating interval, ``eventual`` when irregular or unknown), ``issued``, ``identifier`` and
    ``distribution`` (each with ``accessURL``, ``downloadURL``, ``title``, ``issued``,
    ``identifier``).
``dcat-us``
    DCAT-US 1.1 (Project Open Data), validated against POD's non-federal schema (the federal one
    also requires US budget ``bureauCode``/``programCode``, which a Latin American portal has
    not): ``title``, ``description``, ``publisher``, ``contactPoint``, ``identifier``,
    ``accessLevel``.

One value per field in both profiles: the values are in one language, ``language`` (``es`` by
default, ``en`` on request), falling back to the other where a value exists only there.
Datasets are read page by page (:mod:`ckanext.ogpcatalog.dcat.public_datasets`) and written as
they come (:func:`stream_catalog`), never all held at once.
"""
from __future__ import annotations

import json
import logging
import mimetypes
import re
from typing import Any, Iterable, Iterator
from urllib.parse import quote, urlparse

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.dcat.datajson import ACCESS_LEVELS, FLAVOURS, FREQUENCIES
from ckanext.ogpcatalog.dcat.public_datasets import w3c_datetime
from ckanext.ogpcatalog.dcat.schema_org import portal_name
from ckanext.ogpcatalog.fields import bilingual

__all__ = ["FLAVOURS", "ARGENTINA_SUPER_THEMES", "catalog_header", "dataset_entry",
           "stream_catalog"]

log = logging.getLogger(__name__)

# Argentina's superThemeTaxonomy: the EU data themes of 2015 (no OP_DATPRO).
ARGENTINA_SUPER_THEMES = ("AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR",
                          "JUST", "REGI", "SOCI", "TECH", "TRAN")
SUPER_THEME_TAXONOMY = "http://datos.gob.ar/superThemeTaxonomy.json"
POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
ARGENTINA_TITLE_MAX = 100
# EU frequency code -> ISO 8601 repeating interval (the harvest side's table, reversed).
INTERVALS = {code: interval for interval, code in FREQUENCIES.items()
             if interval.startswith("R/")}
# Argentina's keyword pattern: letters (with accents), digits, spaces, ".", "_" and "-".
_ARGENTINA_KEYWORD_OUT = re.compile(r"[^ 0-9a-zá-źÁ-ŹA-ZñÑ._-]+")
_MEDIA_TYPE = re.compile(r"^[-\w]+/[-\w]+(\.[-\w]+)*([+][-\w]+)?$")
_EMAIL = re.compile(r"^[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)+$")
_ISO_LANGUAGE = {"SPA": "es", "ENG": "en", "POR": "pt", "FRA": "fr", "QUE": "qu",
                 "GRN": "gn", "AYM": "ay"}


def _site_url() -> str:
    return (tk.config.get("ckan.site_url") or "").rstrip("/")


def _text(value: Any, language: str) -> str:
    return bilingual.pick(value, language)[0]


def _short(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def _page_url(pkg: dict[str, Any]) -> str:
    return f"{_site_url()}/{pkg.get('type') or 'dataset'}/{quote(pkg['name'])}"


def _email(value: Any) -> str | None:
    text = str(value or "").strip().removeprefix("mailto:")
    return text if _EMAIL.match(text) else None


def _contact(pkg: dict[str, Any]) -> dict[str, str]:
    for contact in pkg.get("contact") or []:
        if isinstance(contact, dict) and (contact.get("name") or contact.get("email")):
            return {"fn": contact.get("name") or "", "email": _email(contact.get("email")) or ""}
    return {"fn": "", "email": ""}


def _period(pkg: dict[str, Any]) -> tuple[str, str]:
    keys = {"procurement": ("period_start", "period_end"),
            "commitment": ("start_date", "end_date")}.get(pkg.get("type") or "")
    periods = [{"start": pkg.get(keys[0]), "end": pkg.get(keys[1])}] if keys else []
    periods += [p for p in pkg.get("temporal_coverage") or [] if isinstance(p, dict)]
    for period in periods:
        start, end = str(period.get("start") or "")[:10], str(period.get("end") or "")[:10]
        if start:
            return start, end
    return "", ""


def _place(pkg: dict[str, Any]) -> str:
    for place in pkg.get("spatial_coverage") or []:
        if isinstance(place, dict) and (place.get("uri") or place.get("text")):
            return place.get("text") or place["uri"]
    return ""


def _languages(pkg: dict[str, Any]) -> list[str]:
    return [_ISO_LANGUAGE.get(code, code.lower()) for code in pkg.get("language") or []
            if isinstance(code, str) and code]


def _resource_url(pkg: dict[str, Any], resource: dict[str, Any]) -> str:
    return f"{_page_url(pkg)}/resource/{resource['id']}"


def _http(value: Any) -> str:
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://", "ftp://")) else ""


# -- Argentina -------------------------------------------------------------------------------

def _argentina_keywords(pkg: dict[str, Any]) -> list[str]:
    words = []
    for tag in pkg.get("tags") or []:
        word = " ".join(_ARGENTINA_KEYWORD_OUT.sub(" ", tag.get("name") or "").split())
        if word and word not in words:
            words.append(word)
    return words


def _argentina_distribution(pkg: dict[str, Any], resource: dict[str, Any],
                            language: str) -> dict[str, Any]:
    page = _resource_url(pkg, resource)
    download = _http(resource.get("download_url")) or _http(resource.get("url")) or page
    access = _http(resource.get("access_url")) or page
    title = (_text(resource.get("name_translated"), language) or resource.get("name")
             or urlparse(download).path.rsplit("/", 1)[-1] or resource.get("format")
             or resource["id"])
    item: dict[str, Any] = {
        "identifier": resource["id"],
        "title": title,
        "description": _text(resource.get("description_translated"), language)
        or resource.get("description") or None,
        "accessURL": access,
        "downloadURL": download,
        "format": resource.get("format") or None,
        "mediaType": resource.get("mimetype") or None,
        "issued": w3c_datetime(resource.get("issued") or resource.get("created")
                        or pkg.get("metadata_created")),
        "modified": w3c_datetime(resource.get("modified") or resource.get("last_modified")
                          or resource.get("metadata_modified")),
        "license": resource.get("license") or None,
        "fileName": urlparse(download).path.rsplit("/", 1)[-1] or None,
    }
    if isinstance(resource.get("size"), int):
        item["byteSize"] = resource["size"]
    return {key: value for key, value in item.items() if value is not None}


def _argentina_dataset(pkg: dict[str, Any], language: str) -> dict[str, Any]:
    title = _text(pkg.get("title_translated"), language) or pkg.get("title") or pkg["name"]
    description = (_text(pkg.get("notes_translated"), language) or pkg.get("notes")
                   or title)
    org = pkg.get("organization") or {}
    default_theme = (tk.config.get("ckanext.ogpcatalog.feeds.datajson_default_super_theme")
                     or "GOVE").upper()
    themes = [code for code in pkg.get("theme") or [] if code in ARGENTINA_SUPER_THEMES]
    frequency = pkg.get("frequency") or ""
    contact = _contact(pkg)
    start, end = _period(pkg)
    data: dict[str, Any] = {
        "identifier": pkg["id"],
        "title": _short(title, ARGENTINA_TITLE_MAX),
        "description": description,
        "publisher": {"name": org.get("title") or org.get("name") or portal_name(language)},
        "superTheme": themes or [default_theme],
        "theme": list(pkg.get("theme") or []) or None,
        "keyword": _argentina_keywords(pkg) or None,
        "accrualPeriodicity": INTERVALS.get(frequency, "eventual"),
        "issued": w3c_datetime(pkg.get("issued") or pkg.get("metadata_created")),
        "modified": w3c_datetime(pkg.get("modified") or pkg.get("metadata_modified")),
        "landingPage": _http(pkg.get("url")) or _page_url(pkg),
        "language": _languages(pkg) or None,
        "license": pkg.get("license_title") or pkg.get("license_id") or None,
        "temporal": f"{start}/{end}" if start and end else (start or None),
        "spatial": _place(pkg) or None,
        "distribution": [_argentina_distribution(pkg, resource, language)
                         for resource in pkg.get("resources") or []],
    }
    if contact["fn"] or contact["email"]:
        data["contactPoint"] = {key: value for key, value in
                                (("fn", contact["fn"]), ("hasEmail", contact["email"])) if value}
    return {key: value for key, value in data.items() if value is not None}


def _argentina_catalog(language: str) -> dict[str, Any]:
    name = portal_name(language) or _site_url()
    email = _email(tk.config.get("ckan.site_contact_email") or tk.config.get("email_to"))
    publisher = {"name": name, **({"mbox": email} if email else {})}
    description = (tk.config.get(f"ckanext.ogpcatalog.portal.tagline"
                                 f"{'_en' if language == 'en' else ''}")
                   or tk.config.get("ckanext.ogpcatalog.portal.tagline")
                   or tk._("Open data catalogue of {portal}").format(portal=name))
    return {
        "identifier": _site_url(),
        "title": name,
        "description": description,
        "publisher": publisher,
        "homepage": _site_url() or None,
        "language": ["spa", "eng"],
        "superThemeTaxonomy": SUPER_THEME_TAXONOMY,
        "themeTaxonomy": [{"id": code.code, "label": code.label.get(language) or code.code,
                           "description": code.label.get(language) or code.code}
                          for code in codelists.get("eu-data-theme").codes],
    }


# -- DCAT-US ---------------------------------------------------------------------------------

def _media_type(resource: dict[str, Any], url: str) -> str | None:
    """The resource's media type: as stored, else guessed from its format or address."""
    candidates = [str(resource.get("mimetype") or ""),
                  mimetypes.guess_type(f"file.{str(resource.get('format') or '').lower()}")[0]
                  or "", mimetypes.guess_type(urlparse(url).path)[0] or ""]
    return next((c for c in candidates if _MEDIA_TYPE.match(c)), None)


def _dcat_us_distribution(pkg: dict[str, Any], resource: dict[str, Any],
                          language: str) -> dict[str, Any]:
    page = _resource_url(pkg, resource)
    download = _http(resource.get("download_url")) or _http(resource.get("url"))
    item: dict[str, Any] = {"@type": "dcat:Distribution"}
    media_type = _media_type(resource, download)
    if download and media_type:  # POD: a downloadURL goes with its mediaType
        item["downloadURL"] = download
        item["mediaType"] = media_type
    item["accessURL"] = _http(resource.get("access_url")) or download or page
    for key, value in (("title", _text(resource.get("name_translated"), language)
                        or resource.get("name")),
                       ("description", _text(resource.get("description_translated"), language)
                        or resource.get("description")),
                       ("format", resource.get("format"))):
        if value:
            item[key] = value
    return item


def _dcat_us_dataset(pkg: dict[str, Any], language: str) -> dict[str, Any]:
    title = _text(pkg.get("title_translated"), language) or pkg.get("title") or pkg["name"]
    description = (_text(pkg.get("notes_translated"), language) or pkg.get("notes")
                   or title)
    org = pkg.get("organization") or {}
    contact = _contact(pkg)
    email = contact["email"] or _email(tk.config.get("ckan.site_contact_email"))
    level = ACCESS_LEVELS_BY_CODE.get(pkg.get("access_rights") or "", "public")
    start, end = _period(pkg)
    frequency = pkg.get("frequency") or ""
    data: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": _page_url(pkg),
        "title": title,
        "description": description,
        "keyword": [tag["name"] for tag in pkg.get("tags") or [] if tag.get("name")] or None,
        "modified": w3c_datetime(pkg.get("modified") or pkg.get("metadata_modified")),
        "issued": w3c_datetime(pkg.get("issued") or pkg.get("metadata_created")),
        "publisher": {"@type": "org:Organization",
                      "name": org.get("title") or org.get("name") or portal_name(language)},
        "contactPoint": {"@type": "vcard:Contact",
                         "fn": contact["fn"] or org.get("title") or portal_name(language),
                         **({"hasEmail": f"mailto:{email}"} if email else {})},
        "accessLevel": level,
        "license": _http(pkg.get("license_url")) or None,
        "landingPage": _http(pkg.get("url")) or _page_url(pkg),
        "language": _languages(pkg) or None,
        "temporal": f"{start}/{end}" if start and end else None,
        "spatial": _place(pkg) or None,
        "accrualPeriodicity": ("irregular" if frequency == "IRREG"
                               else INTERVALS.get(frequency)),
        "theme": [codelists.label("eu-data-theme", code, language)
                  for code in pkg.get("theme") or []] or None,
        "distribution": [_dcat_us_distribution(pkg, resource, language)
                         for resource in pkg.get("resources") or []] or None,
    }
    return {key: value for key, value in data.items() if value is not None}


ACCESS_LEVELS_BY_CODE = {code: level for level, code in ACCESS_LEVELS.items()}


def _dcat_us_catalog(language: str) -> dict[str, Any]:
    return {
        "@context": f"{POD_SCHEMA}/catalog.jsonld",
        "@id": f"{_site_url()}/catalog/dcat-us.json",
        "@type": "dcat:Catalog",
        "conformsTo": POD_SCHEMA,
        "describedBy": f"{POD_SCHEMA}/catalog.json",
    }


# -- Both ------------------------------------------------------------------------------------

def catalog_header(flavour: str, language: str) -> dict[str, Any]:
    """The catalogue's own fields (all but ``dataset``)."""
    return _argentina_catalog(language) if flavour == "argentina" else _dcat_us_catalog(language)


def dataset_entry(flavour: str, pkg: dict[str, Any], language: str) -> dict[str, Any]:
    """One dataset (a ``package_show``/``package_search`` dict) in the flavour's shape."""
    if flavour == "argentina":
        return _argentina_dataset(pkg, language)
    return _dcat_us_dataset(pkg, language)


def stream_catalog(flavour: str, datasets: Iterable[dict[str, Any]],
                   language: str) -> Iterator[str]:
    """The catalogue as JSON text in chunks: the header, then one dataset at a time. A dataset
    whose entry cannot be written is left out and logged; the others are served."""
    if flavour not in FLAVOURS:
        raise ValueError(flavour)
    header = json.dumps(catalog_header(flavour, language), ensure_ascii=False, indent=1)
    yield header[:-2] + ',\n "dataset": ['  # "...\n}" -> "...,\n "dataset": ["
    first = True
    for pkg in datasets:
        try:
            entry = json.dumps(dataset_entry(flavour, pkg, language), ensure_ascii=False)
        except Exception:  # noqa: BLE001 - one record never takes the catalogue down
            log.exception("data.json (%s): dataset %s left out", flavour, pkg.get("name"))
            continue
        yield ("\n" if first else ",\n") + entry
        first = False
    yield "\n ]\n}\n"
