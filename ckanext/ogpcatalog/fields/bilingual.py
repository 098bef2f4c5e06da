"""Bilingual values: ``{"es": "...", "en": "..."}`` per field.

Stored as a JSON string (an extra, or inside a repeating field's JSON), returned by the API
as a dict with empty languages left out. Clients may send a dict, its JSON, or a plain string,
which is taken as text in the portal's default language.
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk

# Which language a request or a job is in is decided in language/; re-exported here for the
# modules that read them as ``bilingual.<name>``.
from ckanext.ogpcatalog.language import (  # noqa: F401
    LANGUAGES, current_language, default_language, request_language,
)


class BilingualValueError(ValueError):
    """The value is not text nor a mapping of the portal's languages to text."""


def parse(value: Any) -> dict[str, str]:
    """A clean ``{language: text}`` dict (empty languages dropped) from what a client sent.

    :raises BilingualValueError: an unknown language, or text that is not a string.
    """
    if value is None or value is tk.missing:
        return {}
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return {}
        if stripped.startswith("{"):
            try:
                value = json.loads(stripped)
            except ValueError:
                return {default_language(): stripped}
        else:
            return {default_language(): stripped}
    if not isinstance(value, dict):
        raise BilingualValueError(
            tk._("Expected text or an object with the languages {languages}").format(
                languages=", ".join(LANGUAGES)))
    unknown = sorted(str(k) for k in value if k not in LANGUAGES)
    if unknown:
        raise BilingualValueError(
            tk._("Unknown language: {unknown}. Use {languages}").format(
                unknown=", ".join(unknown), languages=", ".join(LANGUAGES)))
    clean = {}
    for language in LANGUAGES:
        text = value.get(language)
        if text is None:
            continue
        if not isinstance(text, str):
            raise BilingualValueError(
                tk._("The text in {language} must be a string").format(language=language))
        if text.strip():
            clean[language] = text.strip()
    return clean


def loads(stored: Any) -> dict[str, str]:
    """The dict from a stored value, tolerating legacy plain text (read paths never fail)."""
    try:
        return parse(stored)
    except BilingualValueError:
        return {}


def pick(value: Any, language: str) -> tuple[str, str | None]:
    """The text to show in ``language``: ``(text, language of the text)``, falling back to the
    default language, then to any; ``("", None)`` when there is no text."""
    values = value if isinstance(value, dict) else loads(value)
    for candidate in (language, default_language(), *LANGUAGES):
        if values.get(candidate):
            return values[candidate], candidate
    return "", None


def joined(value: Any) -> str:
    """Every language's text, for the search index."""
    values = value if isinstance(value, dict) else loads(value)
    return "\n".join(values[language] for language in LANGUAGES if values.get(language))
