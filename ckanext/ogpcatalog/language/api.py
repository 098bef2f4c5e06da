"""The API answers in the language the client asks for.

Pages choose their language by URL (``/en/dataset/...``); an API client may do the same
(``/en/api/3/action/...``) or send ``Accept-Language``. This WSGI middleware, outside CKAN's
own ``I18nMiddleware``, sets ``CKAN_LANG`` for API requests without a language prefix from the
header's best offered language (:func:`~ckanext.ogpcatalog.language.offered_languages`), so
validation errors come back in it.
"""
from __future__ import annotations

import ast
import json
import re
from typing import Any, Callable

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.language import offered_languages

# ckan/views/api.py words a refused search query in English around the backend's (translated)
# reason, as a Python repr: "Search Query is invalid: 'La consulta ...'".
_CORE_SEARCH_QUERY_PREFIX = "Search Query is invalid: "


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


def search_query_error_message(message: str) -> str:
    """The action API's "Search Query is invalid: '<reason>'" in the request's language."""
    if not message.startswith(_CORE_SEARCH_QUERY_PREFIX):
        return message
    reason = message[len(_CORE_SEARCH_QUERY_PREFIX):]
    try:
        value = ast.literal_eval(reason)
    except (ValueError, SyntaxError):
        value = reason
    if isinstance(value, tuple):
        value = " ".join(map(str, value))
    # core's own reasons are messages of upstream_messages.py: translated when known
    return tk._("Invalid search query: {error_message}").format(error_message=tk._(str(value)))


_SYNTAX_ERROR = re.compile(r"SyntaxError: (?P<reason>.+?)'?\)?'?$", re.DOTALL)


def search_error_message(message: str) -> str:
    """The action API's "Search error: 'SOLR returned an error running query: {...the whole
    query...} Error: SolrError('...SyntaxError: Cannot parse query: ...')'": the parser's reason,
    without the internal query, in the request's language."""
    if not message.startswith("Search error: "):
        return message
    match = _SYNTAX_ERROR.search(message)
    if match:
        reason = re.sub(r"[\\'\")\s]+$", "", match["reason"])
        return tk._("Invalid search query: {error_message}").format(error_message=reason)
    return tk._("The search could not be done. Please check the query and try again.")


def translate_api_errors(app: Any) -> Any:
    """Word CKAN core's English API error wrappers in the request's language (Flask
    ``after_request``, so the request's language is known)."""
    def translate(response: Any) -> Any:
        if response.status_code not in (400, 409) or not response.is_json:
            return response
        try:
            body = json.loads(response.get_data(as_text=True))
        except ValueError:
            return response
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            return response
        if error.get("__type") == "Search Query Error":
            error["message"] = search_query_error_message(error["message"])
        elif error.get("__type") == "Search Error":
            error["message"] = search_error_message(error["message"])
        else:
            return response
        response.set_data(json.dumps(body))
        return response

    if hasattr(app, "after_request"):
        app.after_request(translate)
    return app
