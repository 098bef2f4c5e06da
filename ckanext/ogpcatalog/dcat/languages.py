"""Language tags of harvested metadata, and the language of untagged literals.

Catalogues tag their literals in many ways (``es-EC``, ``es-419``, ``ES``, ``spa``, the EU
authority URI ``.../language/SPA``); the portal keeps ``{"es": ..., "en": ...}``. Untagged
literals are taken as written in the harvest source's default language, which the harvester
sets with :func:`harvest_language` around the parse (the portal's default language otherwise).
"""
from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator

import ckan.plugins.toolkit as tk

EU_LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"

# ISO 639-2/T, 639-2/B and 639-3 codes of the languages met in Latin American and European
# catalogues, to their ISO 639-1 code (the form of CKAN locales and BCP 47 tags).
_THREE_LETTER = {
    "spa": "es", "eng": "en", "por": "pt", "fra": "fr", "fre": "fr", "deu": "de",
    "ger": "de", "ita": "it", "cat": "ca", "nld": "nl", "dut": "nl", "roh": "rm",
    "glg": "gl", "eus": "eu", "baq": "eu", "que": "qu", "grn": "gn", "aym": "ay",
    "swe": "sv", "dan": "da", "fin": "fi", "pol": "pl", "ces": "cs", "cze": "cs",
    "ell": "el", "gre": "el", "ron": "ro", "rum": "ro", "hun": "hu", "slk": "sk",
    "slo": "sk", "slv": "sl", "hrv": "hr", "bul": "bg", "est": "et", "lav": "lv",
    "lit": "lt", "mlt": "mt", "gle": "ga", "nor": "no", "nob": "nb", "nno": "nn",
    "isl": "is", "ice": "is", "ltz": "lb", "rus": "ru", "ukr": "uk", "zho": "zh",
    "chi": "zh", "jpn": "ja", "ara": "ar", "hin": "hi",
}
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")

_harvest_language: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "ogpcatalog_harvest_language", default=None)


def normalize_language_tag(tag: str | None) -> str | None:
    """The lowercase ISO 639-1 code of a language tag, code or EU authority URI.

    ``es-EC``, ``es-419``, ``ES``, ``spa`` and ``.../authority/language/SPA`` all give ``es``.
    None for an empty or unknown tag (``und``, ``zxx``, garbage).
    """
    if not tag or not isinstance(tag, str):
        return None
    value = tag.strip()
    if "/" in value or "#" in value:
        value = re.split(r"[/#]", value.rstrip("/#"))[-1]
    match = _TAG.match(value)
    if not match:
        return None
    primary = match.group(1).lower()
    if len(primary) == 2:
        return primary
    return _THREE_LETTER.get(primary)


def portal_default_language() -> str:
    language = normalize_language_tag(tk.config.get("ckan.locale_default") or "")
    return language or "es"


def current_default_language() -> str:
    """The language of untagged literals: the harvest's (see :func:`harvest_language`), else
    the portal's default ``ckan.locale_default``."""
    return _harvest_language.get() or portal_default_language()


@contextlib.contextmanager
def harvest_language(default_language: str | None) -> Iterator[str]:
    """Within the block, untagged literals are in ``default_language`` (any tag form; an
    unknown or empty one leaves the portal's default)."""
    language = normalize_language_tag(default_language or "")
    token = _harvest_language.set(language)
    try:
        yield current_default_language()
    finally:
        _harvest_language.reset(token)
