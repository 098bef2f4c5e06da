"""The API answers in the language the client asks for.

Pages choose their language by URL (``/en/dataset/...``); an API client may do the same
(``/en/api/3/action/...``) or send ``Accept-Language``. This WSGI middleware, outside CKAN's
own ``I18nMiddleware``, sets ``CKAN_LANG`` for API requests without a language prefix from the
header's best offered language (:func:`~ckanext.ogpcatalog.language.offered_languages`), so
validation errors come back in it.
"""
from __future__ import annotations

from typing import Any, Callable

from ckanext.ogpcatalog.language import offered_languages


def best_offered_language(header: str, offered: list[str]) -> str | None:
    """The offered language the ``Accept-Language`` header prefers (``es-EC`` counts as ``es``)."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().replace("_", "-").split("-")[0].lower()
        if language and quality > 0:
            ranked.append((-quality, position, language))
    for _quality, _position, language in sorted(ranked):
        if language in offered:
            return language
    return None


class ApiLanguageMiddleware:
    def __init__(self, app: Callable[..., Any]):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        header = environ.get("HTTP_ACCEPT_LANGUAGE")
        if header and path.startswith("/api/") and "CKAN_LANG" not in environ:
            offered = offered_languages()
            language = best_offered_language(header, offered)
            if language:
                environ["CKAN_LANG"] = language
                environ["CKAN_LANG_IS_DEFAULT"] = language == offered[0]
        return self.app(environ, start_response)
