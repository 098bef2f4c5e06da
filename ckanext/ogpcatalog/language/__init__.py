"""The portal's languages: which language a request, a command or a job is in, and the
marking of messages for extraction.

This module is the one place that decides a language; everything else asks it:

- :func:`default_language`: the portal's default language of content (``ckan.locale_default``
  when it is one of :data:`LANGUAGES`, else Spanish);
- :func:`request_language`: the language of the current web request (None outside one);
- :func:`current_language`: the language to show things in (the request's, else the default);
- :func:`offered_languages`: the portal's interface languages, the default first
  (``ckan.locale_default`` then ``ckan.locales_offered``): what ``--lang`` and the API's
  ``Accept-Language`` may choose;
- :func:`N_`, :func:`N_plural`: mark a message for extraction (``make i18n``,
  scripts/i18n.sh); it is translated where it is shown.

The submodules: context.py (a request context in a language, for CLI output and background
work), cli_help.py (translated click help), api.py (the API's ``Accept-Language``
middleware), type_names.py, display_names.py, upstream_messages.py. This module imports none
of them (they import it).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["LANGUAGES", "N_", "N_plural", "current_language", "default_language",
           "offered_languages", "request_language"]

# The languages of the portal's bilingual values ({"es": ..., "en": ...}) and codelists.
LANGUAGES = ("es", "en")


def N_(message: str) -> str:
    """Mark ``message`` for extraction (Babel's default ``N_`` keyword); it is translated
    where it is shown (``tk._``)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form (``ungettext``) for extraction (scripts/i18n.sh's
    ``--keywords N_plural:1,2``)."""
    return singular, plural


def default_language() -> str:
    """The portal's default language of content: ``ckan.locale_default`` when it is one of
    :data:`LANGUAGES`, else the first of them."""
    language = tk.config.get("ckan.locale_default") or LANGUAGES[0]
    return language if language in LANGUAGES else LANGUAGES[0]


def request_language() -> str | None:
    """The language of the current web request when it is one of :data:`LANGUAGES`; None
    outside a request (commands, jobs)."""
    try:
        language = tk.h.lang()
    except (RuntimeError, TypeError, AttributeError):
        return None
    return language if language in LANGUAGES else None


def current_language() -> str:
    """The language to show things in: the request's, else the portal's default."""
    return request_language() or default_language()


def offered_languages() -> list[str]:
    """The portal's interface languages: ``ckan.locale_default`` first, then
    ``ckan.locales_offered``."""
    default = tk.config.get("ckan.locale_default") or "en"
    offered = tk.config.get("ckan.locales_offered") or []
    if isinstance(offered, str):
        offered = offered.split()
    return [default] + [lang for lang in offered if lang != default]
