"""Install the PostgreSQL search engine under CKAN's search layer.

CKAN reaches Solr only through ``make_connection()`` (imported by name into
``ckan.lib.search.common``, ``.index`` and ``.query``) and checks it at start-up with
``ckan.lib.search.check_solr_schema_version``. Pointing those names at this package is all
it takes; CKAN's indexing and query code stays as it is.
"""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk

import ckan.lib.search as ckan_search
import ckan.lib.search.common as ckan_search_common
import ckan.lib.search.index as ckan_search_index
import ckan.lib.search.query as ckan_search_query
from sqlalchemy import exc

from .connection import PostgresSolrConnection
from .schema import ensure_schema

log = logging.getLogger(__name__)

_ORIGINALS: dict[str, object] = {}
_TARGETS = (
    (ckan_search, "make_connection"),
    (ckan_search_common, "make_connection"),
    (ckan_search_index, "make_connection"),
    (ckan_search_query, "make_connection"),
    (ckan_search, "check_solr_schema_version"),
)


def make_connection(decode_dates: bool = True) -> PostgresSolrConnection:
    return PostgresSolrConnection(decode_dates=decode_dates)


def check_schema(schema_file: str | None = None) -> bool:
    """Start-up check: bring the index schema up (its migrations) if the database lacks it.

    At CKAN's start-up this runs before the database engine exists; the schema is then
    created on first use instead.
    """
    import ckan.model as model
    if schema_file is not None:
        # Version parsing of a given schema.xml needs no Solr: keep CKAN's own check.
        return _ORIGINALS["ckan.lib.search.check_solr_schema_version"](schema_file)
    if model.meta.engine is None:
        return True
    try:
        created = ensure_schema()
    except exc.SQLAlchemyError as error:
        log.warning("PostgreSQL search index not ready yet: %s", error)
        return False
    if created:
        log.warning("Search index schema: created %s", ", ".join(created))
    return True


def install() -> None:
    if is_installed():
        return
    for module, name in _TARGETS:
        _ORIGINALS[f"{module.__name__}.{name}"] = getattr(module, name)
    for module, name in _TARGETS:
        setattr(module, name, check_schema if name == "check_solr_schema_version" else make_connection)
    log.info("Search: PostgreSQL backend installed")


def is_installed() -> bool:
    return ckan_search_query.make_connection is make_connection


def answer_busy_with_429(response, retry_after: int) -> None:
    """A costly search refused because every slot was taken (:mod:`.admission`): CKAN answered
    it as a bad query (API 400, the page's 400); it is a 429 with Retry-After, and the API's
    message is the admission's own, in the request's language (not "Search Query is
    invalid: (...)")."""
    import json

    from .admission import SearchBusy, setting
    response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    if response.is_json:
        try:
            body = json.loads(response.get_data(as_text=True))
        except ValueError:
            return
        if isinstance(body, dict):
            message = str(SearchBusy(setting("max_costly_searches"), retry_after))
            body["success"] = False
            body["error"] = {"__type": "Too Many Requests", "message": message}
            response.set_data(json.dumps(body))


def answer_unavailable_index_with_503(app):
    """CKAN answers a search backend it cannot reach with 500 (or lets the error escape, as
    on the home page); say what it is: 503 with Retry-After, never a page that looks empty.

    The status keeps caches, crawlers and harvesters from storing an empty catalogue.
    """
    import flask
    from werkzeug.exceptions import InternalServerError

    from ckan.lib import base
    from ckan.lib.search.common import SearchQueryError, SolrConnectionError

    def bad_query(error):
        # Views that do not catch it themselves (/catalog.ttl): the user's error, a 400.
        message = tk._("Invalid search query: {error_message}").format(error_message=str(error))
        if flask.request.path.startswith("/api/"):
            body = {"success": False, "error": {"__type": "Search Query Error", "message": message}}
            return flask.jsonify(body), 400
        return base.render("error_document_template.html",
                           {"code": 400, "content": message, "name": "Bad Request"}), 400


    def unavailable(error):
        flask.g.ogpcatalog_search_unavailable = True
        if flask.request.path.startswith("/api/"):
            body = {"success": False, "error": {"__type": "Search Connection Error",
                                                "message": "Unable to connect to the search server"}}
            return flask.jsonify(body), 503, {"Retry-After": "60"}
        content = tk._("The search index is unavailable. Please try again in a few minutes.")
        detail = getattr(error, "description", None)
        if detail and detail != getattr(type(error), "description", None):
            # What the view said first (core's "Unable to add package to search index."), as on Solr.
            content = f"{detail} {content}"
        page = base.render("error_document_template.html",
                           {"code": 503, "content": content, "name": "Service Unavailable"})
        return page, 503, {"Retry-After": "60"}

    def after_request(response):
        if response.status_code == 500 and flask.g.get("ogpcatalog_search_unavailable"):
            response.status_code = 503
            response.headers["Retry-After"] = "60"
        busy = flask.g.get("ogpcatalog_search_busy")
        if busy and response.status_code in (400, 409, 500):
            answer_busy_with_429(response, busy)
        return response

    def internal_error(error):
        # /dataset catches the connection error and aborts with a generic 500 page.
        if flask.g.get("ogpcatalog_search_unavailable"):
            return unavailable(error)
        return ckan_internal_error(error) if ckan_internal_error else error

    if hasattr(app, "register_error_handler"):
        ckan_internal_error = app.error_handler_spec.get(None, {}).get(500, {}).get(InternalServerError)
        app.register_error_handler(SolrConnectionError, unavailable)
        app.register_error_handler(SearchQueryError, bad_query)
        app.register_error_handler(InternalServerError, internal_error)
        app.after_request(after_request)
    return app
