"""A pysolr-compatible connection whose "Solr" is the PostgreSQL search index.

CKAN's own :class:`ckan.lib.search.index.PackageSearchIndex` and
:class:`ckan.lib.search.query.PackageSearchQuery` build Solr documents and Solr queries and
hand them to ``make_connection()``. :mod:`.backend` points ``make_connection`` here, so
CKAN's indexing rules, query defaults, permission labels and result handling run unchanged,
and only the engine underneath differs.

Writes run in CKAN's SQLAlchemy session, so the index follows the transaction: a rolled
back ``package_create`` leaves no index row. A ``commit=True`` write from a session that has
changed nothing yet commits at once in its own transaction, as Solr would (``_write``). Reads use their own connection and see what is
committed, as Solr does.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime
import json
import logging
import sys
import threading
import time
import uuid
from typing import Any, Iterable

import pysolr
import sqlalchemy as sa
from sqlalchemy import event, exc

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchQueryError
from ckan.common import config
from ckan.lib.search.common import solr_datetime_decoder
from ckan.lib.search.query import _parse_local_params

from ..language import N_
from . import admission
from . import solr_schema as f
from . import schema  # (its import of .model registers the tables with CKAN)
from .cache import facet_cache
from .lucene import (
    MUST, MUST_NOT, SHOULD, Bool, MatchAll, QuerySyntaxError, TooManyTerms, parse,
    parse_with_operators,
)
from .schema import ensure_schema
from .sql import T, SortError, Translation, order_by, parse_min_should_match, relevance_candidates

log = logging.getLogger(__name__)

_SESSION_DIRTY_KEY = "ogpcatalog_search_dirty"


class SearchResults:
    """What pysolr's ``Solr.search`` returns, as far as CKAN reads it."""

    def __init__(self, docs: list[dict[str, Any]], hits: int, facets: dict[str, Any]):
        self.docs = docs
        self.hits = hits
        self.facets = facets

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


class PostgresSolrConnection:
    """The subset of ``pysolr.Solr`` that CKAN uses: add, delete, commit, search."""

    url = "postgresql://ogpcatalog_search"

    def __init__(self, decode_dates: bool = True):
        self.decode_dates = decode_dates

    # -- writes --------------------------------------------------------------------------
    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True, **_: Any) -> None:
        rows = [document_row(doc) for doc in docs]
        if not rows:
            return
        _write(_UPSERT_SQL, rows, commit=commit)

    def delete(self, id: Any = None, q: str | None = None, commit: bool = True, **_: Any) -> None:
        if id is not None:
            ids = id if isinstance(id, (list, tuple)) else [id]
            translation = Translation()
            where = f"{T}.id = ANY({translation.param(list(ids))})"
        elif q is not None:
            translation = _translate(q, {"q.op": "AND"})
            where = translation.where_sql  # type: ignore[attr-defined]
        else:
            raise pysolr.SolrError("delete needs an id or a query")
        _write(f"DELETE FROM {schema.INDEX_TABLE} {T} WHERE {where}", translation.params,
               commit=commit)

    def commit(self, **_: Any) -> None:
        """An explicit commit (``search.commit()``, ``clear_index``) commits the session: the
        deferred writes (``commit=False``) wait in it, with the data they describe."""
        model.Session.commit()

    # -- reads ---------------------------------------------------------------------------
    def search(self, q: str | None = None, **params: Any) -> SearchResults:
        results = run_search(q, params)
        if self.decode_dates:
            results.docs = [solr_datetime_decoder(doc) for doc in results.docs]
        return results


# --------------------------------------------------------------------------------------
# documents


def document_row(doc: dict[str, Any]) -> dict[str, Any]:
    """Turn a Solr document prepared by CKAN's PackageSearchIndex into an index row."""
    exact: dict[str, list[str]] = {}
    texts: dict[str, list[str]] = {}
    stored: dict[str, Any] = {}
    for key, value in doc.items():
        if key in ("data_dict", "validated_data_dict") or value is None:
            continue
        values = [_as_text(v) for v in (value if isinstance(value, (list, tuple)) else [value])
                  if v is not None]
        if f.is_date_field(key):
            dates = [f.parse_indexed_date(v) for v in values]
            values = [f.canonical_date(d) for d in dates if d is not None]
        if f.is_text_field(key):
            texts[key] = values
        else:
            exact[key] = values
        if f.is_stored(key):
            stored[key] = f.solr_stored_date(value) if f.is_date_field(key) else value
    title = doc.get("title") or ""
    texts.setdefault("title", [title] if title else [])
    exact.setdefault("entity_type", ["package"])
    weighted: dict[str, list[str]] = {"A": [], "B": [], "C": [], "D": []}
    for weight, names in f.COPY_TO_TEXT_WEIGHTED.items():
        for name in names:
            weighted[weight].extend(texts.get(name) or exact.get(name) or [])
    for source in (texts, exact):
        for key, values in source.items():
            if key.startswith(f.COPY_TO_TEXT_PREFIXES):
                weighted["D"].extend(values)
    facets = sorted({f"{key}{f.FACET_SEPARATOR}{value}" for key, values in exact.items()
                     for value in values if f.is_faceted(key, value)})
    now = datetime.datetime.utcnow()
    return {
        "id": doc["id"],
        "name": doc.get("name") or doc["id"],
        "site_id": doc.get("site_id") or config.get("ckan.site_id"),
        "state": doc.get("state"),
        "capacity": doc.get("capacity"),
        "dataset_type": doc.get("dataset_type"),
        "organization": doc.get("organization"),
        "permission_labels": list(doc.get("permission_labels") or []),
        "metadata_created": _timestamp(doc.get("metadata_created")),
        "metadata_modified": _timestamp(doc.get("metadata_modified")),
        "title_string": doc.get("title_string"),
        "text_a": " ".join(weighted["A"]),
        "text_b": " ".join(weighted["B"]),
        "text_c": " ".join(weighted["C"]),
        "text_d": " ".join(weighted["D"]),
        "doc": json.dumps(exact),
        "facets": facets,
        "texts": json.dumps(texts),
        "stored": json.dumps(dict(stored, indexed_ts=f.solr_stored_date(now.isoformat()))),
        "data_dict": doc.get("data_dict"),
        "validated_data_dict": doc.get("validated_data_dict"),
    }


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value).replace("\x00", "")


def _timestamp(value: Any) -> datetime.datetime | None:
    if not value:
        return None
    parsed = f.parse_indexed_date(str(value))
    return parsed.replace(tzinfo=datetime.timezone.utc) if parsed else None


# `rank_tsv` holds the boosted fields only (name and title A; tags, groups, organization B),
# as CKAN's `qf` weighs them: ranking reads it, never the large `tsv`.
_UPSERT_SQL = f"""
INSERT INTO {schema.INDEX_TABLE} AS {T} (
  id, name, site_id, state, capacity, dataset_type, organization, permission_labels,
  metadata_created, metadata_modified, title_string, tsv, rank_tsv, doc, facets, texts, stored,
  data_dict, validated_data_dict, seq, indexed_at)
SELECT
  :id, :name, :site_id, :state, :capacity, :dataset_type, :organization, :permission_labels,
  :metadata_created, :metadata_modified, :title_string,
  boosted.words || setweight(ogpcatalog_tsv(:text_c), 'C') || setweight(ogpcatalog_tsv(:text_d), 'D'),
  boosted.words,
  CAST(:doc AS jsonb), :facets, CAST(:texts AS jsonb), CAST(:stored AS jsonb),
  :data_dict, :validated_data_dict, nextval('{schema.INDEX_TABLE}_seq'), now()
FROM (SELECT setweight(ogpcatalog_tsv(:text_a), 'A') || setweight(ogpcatalog_tsv(:text_b), 'B') AS words) boosted
ON CONFLICT (site_id, id) DO UPDATE SET
  name = EXCLUDED.name, site_id = EXCLUDED.site_id, state = EXCLUDED.state,
  capacity = EXCLUDED.capacity, dataset_type = EXCLUDED.dataset_type,
  organization = EXCLUDED.organization, permission_labels = EXCLUDED.permission_labels,
  metadata_created = EXCLUDED.metadata_created, metadata_modified = EXCLUDED.metadata_modified,
  title_string = EXCLUDED.title_string, tsv = EXCLUDED.tsv, rank_tsv = EXCLUDED.rank_tsv,
  doc = EXCLUDED.doc, facets = EXCLUDED.facets,
  texts = EXCLUDED.texts, stored = EXCLUDED.stored, data_dict = EXCLUDED.data_dict,
  validated_data_dict = EXCLUDED.validated_data_dict, seq = EXCLUDED.seq,
  indexed_at = EXCLUDED.indexed_at
"""


# --------------------------------------------------------------------------------------
# execution


def _is_missing_schema(error: exc.DBAPIError) -> bool:
    code = getattr(error.orig, "pgcode", None)
    # undefined_table, undefined_column (a table of an older version), undefined_function,
    # undefined_object (text search configuration)
    return code in ("42P01", "42703", "42883", "42704")


class IndexNotBuilt(Exception):
    """The index had to be created anew while the portal holds datasets."""


def _connection_error(error: Exception) -> pysolr.SolrError:
    log.error("Search index unavailable: %s", error)
    try:
        import flask
        if flask.has_request_context():
            flask.g.ogpcatalog_search_unavailable = True
    except ImportError:  # pragma: no cover
        pass
    # CKAN maps this message to SolrConnectionError ("Unable to connect to the search server").
    return pysolr.SolrError("Failed to connect to server: the search index is unavailable")


def _is_query_error(error: exc.DBAPIError) -> bool:
    """Errors caused by the values in a query (class 22, data exceptions), not by the index."""
    code = getattr(error.orig, "pgcode", None) or ""
    return code.startswith("22")


def _write(sql: str, params: Any, commit: bool = False) -> None:
    """Run an index write, creating the schema if it is missing.

    ``commit=True`` (Solr's "visible and durable now") on a session whose transaction has
    written nothing yet: the documents describe committed data, so the write commits at once
    in its own transaction (with a new change token). Otherwise (``commit=False``, or the
    session holds uncommitted changes the documents may describe) it runs in CKAN's session,
    inside a savepoint, and commits or rolls back with the data: the index never shows a
    state the database rolled back. See docs/search.md, "Durability".
    """
    session = model.Session
    statement = sa.text(sql)
    autonomous = commit and _transaction_is_clean(session)
    try:
        for attempt in (1, 2):
            try:
                if autonomous:
                    with model.meta.engine.begin() as connection:
                        connection.execute(statement, params)
                        _bump_token(connection)
                else:
                    with session.begin_nested():
                        session.execute(statement, params)
                break
            except exc.ProgrammingError as error:
                if attempt == 2 or not _is_missing_schema(error):
                    raise
                ensure_schema()
    except exc.DBAPIError as error:
        if _is_query_error(error):
            log.error("Search index write rejected: %s", error.orig)
            raise pysolr.SolrError("the search index rejected the change")
        raise _connection_error(error)
    if not autonomous:
        mark_changed(session)


def _transaction_is_clean(session) -> bool:
    """Whether the session's transaction holds no change of its own: no pending ORM object,
    and no transaction id assigned by PostgreSQL (the server assigns one at the first write
    of a transaction, whether it came through the ORM, raw SQL or a savepoint).

    After a raw ``COMMIT`` sent through the session (ckanext-harvest 1.6.3's
    ``harvest_source_clear``), the server has no transaction open: clean too.
    """
    session = session()  # the thread's Session behind the scoped_session
    if session.new or session.dirty or session.deleted:
        return False
    if not session.in_transaction():
        return True
    try:
        assigned = session.connection().exec_driver_sql(
            "SELECT txid_current_if_assigned()").scalar()
    except exc.DBAPIError as error:  # an aborted transaction: the session path reports it
        log.debug("Could not read the session's transaction id: %s", error.orig)
        return False
    return assigned is None


def mark_changed(session) -> None:
    """The session changed the index: a new change token commits with it (see below)."""
    session.info[_SESSION_DIRTY_KEY] = True


def _bump_token(connection) -> None:
    """A new change token, in the transaction of ``connection`` (the facet cache's key)."""
    connection.execute(
        sa.text(f"INSERT INTO {schema.STATE_TABLE} (id, token) VALUES (1, :token) "
                "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token"),
        {"token": uuid.uuid4().hex})


@event.listens_for(model.Session, "before_commit")
def _bump_token_before_commit(session):
    """A new change token commits atomically with the index rows it describes."""
    if session.in_nested_transaction():
        return  # a savepoint is released, not the transaction committed
    if not session.info.pop(_SESSION_DIRTY_KEY, False):
        return
    try:
        with session.begin_nested():
            _bump_token(session)
    except exc.SQLAlchemyError as error:
        # Never let the cache's bookkeeping fail the user's commit; drop what may be stale.
        log.error("Could not record a search index change: %s", error)
        facet_cache.clear()


@event.listens_for(model.Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop(_SESSION_DIRTY_KEY, None)


_SAVEPOINT = "ogpcatalog_search_read"


def _read(callback, settings: str = "", reset: str = "", timeout_ms: int | None = None):
    """Run ``callback(connection, prefix)`` in CKAN's session, inside a savepoint so that a
    failed read never spoils the caller's transaction; creates the schema if it is missing.

    The callback sends ``prefix`` (the SAVEPOINT and the planner ``settings``) at the head of
    its first statement, and ``reset`` goes with the RELEASE: a cached search costs two round
    trips to the database, not six.

    The session's connection is reused on purpose: CKAN's engine may not pool connections,
    and opening one per search costs more than the search. Under READ COMMITTED every
    statement sees what is committed, plus the session's own uncommitted index changes.
    """
    if model.meta.engine is None:
        raise pysolr.SolrError("Failed to connect to server: no database engine configured")
    connection = model.Session().connection()
    for attempt in (1, 2):
        try:
            try:
                result = callback(connection, f"SAVEPOINT {_SAVEPOINT}; {settings}")
            except BaseException:
                _rollback_read(connection)
                raise
            connection.exec_driver_sql(f"{reset}RELEASE SAVEPOINT {_SAVEPOINT}")
            return result
        except exc.ProgrammingError as error:
            if attempt == 1 and _is_missing_schema(error):
                ensure_schema()
                continue
            return _raise_read_error(error, timeout_ms)
        except IndexNotBuilt as error:
            raise _connection_error(error)
        except exc.DBAPIError as error:
            return _raise_read_error(error, timeout_ms)


def _rollback_read(connection) -> None:
    try:
        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}; RELEASE SAVEPOINT {_SAVEPOINT}")
    except exc.DBAPIError as error:  # the savepoint was never made: the caller's transaction failed
        log.debug("No search savepoint to roll back to: %s", error.orig)


def _raise_read_error(error: exc.DBAPIError, timeout_ms: int | None = None):
    code = getattr(error.orig, "pgcode", None)
    if code == "54001":  # statement_too_complex: stack depth
        log.info("Search query too complex for the database: %s", error.orig)
        raise SearchQueryError(tk._("The search is too complex"))
    if code == "57014":  # query_canceled: ckanext.ogpcatalog.search.statement_timeout
        # The statement is cancelled by PostgreSQL and the worker is free again. A 400, not a
        # 503: the index is up and answers ordinary searches in milliseconds; this request
        # asked for more than the portal runs, and the same request would fail again.
        log.warning("Search stopped by the statement timeout: %s", error.orig)
        if timeout_ms is None:
            timeout_ms = tk.config.get("ckanext.ogpcatalog.search.statement_timeout")
        seconds = timeout_ms / 1000
        raise SearchQueryError(
            tk._("The search took longer than {seconds} s and was stopped: "
                 "try fewer or simpler terms").format(seconds=f"{seconds:g}"))
    if _is_query_error(error):
        log.info("Search query rejected by the database: %s", error.orig)
        raise pysolr.SolrError("the search index could not run this query")
    raise _connection_error(error)


def _check_rebuilt(connection) -> None:
    """The index was created anew while the portal held datasets: it answers again once it
    holds every active dataset (``ckan search-index rebuild``), and not before."""
    complete = connection.execute(sa.text(
        f"SELECT (SELECT count(*) FROM {schema.INDEX_TABLE} WHERE state = 'active') >= "
        "(SELECT count(*) FROM package WHERE state = 'active')")).scalar()
    if not complete:
        raise IndexNotBuilt("the search index was lost and must be rebuilt: "
                            "run `ckan search-index rebuild`")
    with model.meta.engine.begin() as writer:
        writer.execute(sa.text(f"UPDATE {schema.STATE_TABLE} SET rebuild_required = false WHERE id = 1"))


def rebuild_required() -> bool:
    """Whether the index was created anew while the portal held datasets, and not rebuilt."""
    with model.meta.engine.connect() as connection:
        _token, required = facet_cache.read_state(connection)
        if not required:
            return False
        try:
            _check_rebuilt(connection)
        except IndexNotBuilt:
            return True
        return False


# --------------------------------------------------------------------------------------
# search


def _parse_or_raise(query: str, default_operator: str, with_operators: bool = False,
                    max_terms: int = 0):
    """``max_terms`` (the user's ``q``: ``max_query_terms``): parsing stops at the first term
    over it, and the search is refused having read no more than that."""
    max_depth = tk.config.get("ckanext.ogpcatalog.search.max_nesting")
    max_length = _limit("max_query_length") or sys.maxsize
    try:
        if with_operators:
            return parse_with_operators(query, default_operator, max_depth, max_length, max_terms)
        return parse(query, default_operator, max_depth, max_length, max_terms)
    except TooManyTerms as error:
        log.info("Search refused: q over ckanext.ogpcatalog.search.max_query_terms = %s", error.limit)
        raise SearchQueryError(tk._(_TOO_MANY_QUERY_TERMS).format(limit=error.limit))
    except QuerySyntaxError as error:
        raise pysolr.SolrError(f"org.apache.solr.search.SyntaxError: Cannot parse query: {error}")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _int_param(params: dict[str, Any], key: str, default: int) -> int:
    value = params.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise pysolr.SolrError(f"Invalid value for {key}")


def _split_local_params(text: str) -> tuple[dict[str, str], str] | None:
    """``{!type=bool must=x}rest`` -> ({"type": "bool", "must": "x"}, "rest")."""
    stripped = text.strip()
    if not stripped.startswith("{!"):
        return None
    end = stripped.find("}")
    if end < 0:
        raise pysolr.SolrError("org.apache.solr.search.SyntaxError: unterminated local parameters")
    try:
        parts = _parse_local_params(stripped[:end + 1])
    except Exception:
        raise pysolr.SolrError("org.apache.solr.search.SyntaxError: invalid local parameters")
    options: dict[str, str] = {}
    for part in parts:
        if isinstance(part, str):
            options["type"] = part
        else:
            options[part[0]] = part[1]
    return options, stripped[end + 1:]


def _local_params_query(options: dict[str, str], body: str, default_operator: str,
                        translation: Translation, max_terms: int = 0):
    """The query parsers that local parameters may name: lucene, bool, dismax/edismax."""
    kind = options.get("type", "lucene")
    if kind == "lucene":
        if options.get("df"):
            translation.default_field = options["df"]
        return _parse_or_raise(body or options.get("v", "*:*"), options.get("q.op", default_operator),
                               max_terms=max_terms)
    if kind == "bool":
        occurs = {"must": MUST, "filter": MUST, "should": SHOULD, "must_not": MUST_NOT}
        clauses = tuple((occurs[key], _parse_or_raise(value, default_operator, max_terms=max_terms))
                        for key, value in options.items() if key in occurs)
        return Bool(clauses) if clauses else MatchAll()
    if kind in ("dismax", "edismax"):
        node = _parse_or_raise(body or options.get("v", "*:*"), "OR", max_terms=max_terms)
        return _apply_min_should_match(node, options.get("mm"))
    raise pysolr.SolrError(f"org.apache.solr.search.SyntaxError: unsupported query parser '{kind}'")


def _parse_request_query(text: str, default_operator: str, translation: Translation,
                         max_terms: int = 0):
    local = _split_local_params(text)
    if local is not None:
        return _local_params_query(local[0], local[1], default_operator, translation, max_terms)
    return _parse_or_raise(text, default_operator, max_terms=max_terms)


_DISMAX_PLAIN = str.maketrans({"(": " ", ")": " ", "*": "", "?": ""})


def build_where(q: str | None, params: dict[str, Any]) -> Translation:
    """The WHERE clause of a Solr request (``q`` + every ``fq``), in ``translation.where_sql``."""
    q = q if q is not None else params.get("q")
    if q is None or not str(q).strip() or str(q).strip() in ('""', "''"):
        q = "*:*"
    q = str(q)
    def_type = params.get("defType", "lucene")
    default_field = params.get("df") or "text"
    default_operator = params.get("q.op", "OR")
    max_terms = _limit("max_query_terms")  # the user's q only: CKAN's filters come in fq

    if _split_local_params(q) is not None:
        translation = Translation(default_field)
        node = _parse_request_query(q, default_operator, translation, max_terms)
    elif def_type in ("dismax", "edismax"):
        query_fields = [qf.split("^")[0] for qf in str(params.get("qf") or "text").split()]
        if "text" in query_fields:
            query_fields = None  # `text` holds every other query field
        translation = Translation(default_field, query_fields)
        if def_type == "dismax":
            # CKAN's default, as Solr's dismax: AND/OR/NOT are operators; parentheses and
            # wildcards plain characters (`pobla*` is the word `pobla`); `mm` counts every
            # optional clause, OR's included (under CKAN's mm "a OR b" needs both words).
            # Found by tests/search/differential (docs/search.md, "Differences from Solr").
            node, _ = _parse_or_raise(q.translate(_DISMAX_PLAIN), "OR", with_operators=True,
                                      max_terms=max_terms)
            node = _apply_min_should_match(node, params.get("mm"))
        elif (parsed := _parse_or_raise(q, "OR", with_operators=True, max_terms=max_terms))[1]:
            # Explicit AND/OR/NOT: boolean logic with the default operator, as edismax does.
            node = _parse_or_raise(q, default_operator, max_terms=max_terms)
        else:
            node = _apply_min_should_match(parsed[0], params.get("mm"))
    else:
        translation = Translation(default_field)
        node = _parse_or_raise(q, default_operator, max_terms=max_terms)
    conditions = [translation.where(node)]
    translation.query_terms = translation.terms  # the user's own words, before any filter
    translation.query_words = list(dict.fromkeys(translation.words))
    for fq in _as_list(params.get("fq")):
        if fq is None or not str(fq).strip():
            continue
        conditions.append(translation.where(
            _parse_request_query(str(fq), default_operator, translation), rank=False))
    translation.where_sql = " AND ".join(f"({c})" for c in conditions)  # type: ignore[attr-defined]
    return translation


def _apply_min_should_match(node, mm: str | None):
    if isinstance(node, Bool):
        optional = sum(1 for occur, _ in node.clauses if occur == SHOULD)
        required = parse_min_should_match(mm or "100%", optional)
        return Bool(node.clauses, min_should_match=max(required, 0) or (0 if optional == 0 else 1))
    return node


def _refuse_nul(q: str | None, params: dict[str, Any]) -> None:
    """A NUL character (PostgreSQL refuses it in text) in ``q`` or any parameter (``fq``,
    facets, sort) is the user's error, refused before any SQL: a 400, not a driver error."""
    values = [q, *params.values()]
    for value in values:
        for item in (value if isinstance(value, (list, tuple)) else [value]):
            if isinstance(item, str) and "\x00" in item:
                raise SearchQueryError(tk._("The search contains a NUL character"))


def _translate(q: str | None, params: dict[str, Any]) -> Translation:
    try:
        return build_where(q, params)
    except QuerySyntaxError as error:  # raised while translating values (dates, numbers)
        raise pysolr.SolrError(f"org.apache.solr.search.SyntaxError: {error}")
    except OverflowError:  # date math past the calendar (NOW-9999999999DAYS)
        raise SearchQueryError(tk._("A date in the search is out of range"))


class _Plan:
    """Everything a search request decides before it reaches the database: the statements,
    compiled for the driver, and their parameters. A pure function of the request."""

    __slots__ = ("state_sql", "params", "summary_sql", "summary_params", "summary_key",
                 "facet_fields", "rows", "wanted", "settings", "reset", "size", "cost")

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)


class _PlanCache:
    """Plans of recent requests, so that a repeated search (the home page, a facet link, the
    next page of the same list) skips parsing, translating and compiling its SQL.

    Plans hold no data, only SQL and the request's own values (permission labels included:
    they come in ``fq``), so nothing the index or the catalogue does can make one stale.
    Requests with date math on ``NOW`` depend on the clock and are never cached.
    """

    SIZE = 256

    def __init__(self) -> None:
        self._entries: collections.OrderedDict[str, _Plan] = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, q: str | None, params: dict[str, Any]) -> _Plan:
        try:
            key = json.dumps([q, params], sort_keys=True)
        except (TypeError, ValueError):
            return _make_plan(q, params)
        if "NOW" in key:
            return _make_plan(q, params)
        with self._lock:
            plan = self._entries.get(key)
            if plan is not None:
                self._entries.move_to_end(key)
                return plan
        plan = _make_plan(q, params)
        with self._lock:
            self._entries[key] = plan
            while len(self._entries) > self.SIZE:
                self._entries.popitem(last=False)
        return plan

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _driver_sql(sql: str) -> str:
    """``:name`` bound parameters as the DBAPI's own (``%(name)s``), compiled once per plan
    instead of by SQLAlchemy at every execution."""
    return str(sa.text(sql).compile(dialect=model.meta.engine.dialect))


def _make_plan(q: str | None, params: dict[str, Any]) -> _Plan:
    translation = _translate(q, params)
    size = QuerySize(translation.query_terms, translation.terms, translation.wildcard_terms,
                     translation.scanning_wildcards)
    _refuse_too_large(size)  # before the statements are written and compiled (seconds for 3,000 terms)
    where = translation.where_sql  # type: ignore[attr-defined]
    rows = max(_int_param(params, "rows", 10), 0)
    start = max(_int_param(params, "start", 0), 0)
    try:
        order = order_by(params.get("sort"), translation)
    except SortError as error:
        raise pysolr.SolrError(str(error))
    facet_fields = _facet_fields(params)
    facet_limit = _int_param(params, "facet.limit", 50)
    facet_mincount = _int_param(params, "facet.mincount", 1)
    wanted = [x for x in str(params.get("fl") or "*").replace(",", " ").split() if x]

    cost = admission.search_cost(size.terms, size.query_terms, size.wildcard_terms,
                                 size.scanning_wildcards, len(facet_fields), rows, start,
                                 admission.word_points(translation.query_words))
    summary_sql, summary_params = _summary_statement(
        translation, where, facet_fields, facet_limit, facet_mincount)
    page_sql = _page_statement(translation, where, order, wanted, rows, start)

    # The page comes with the index's change token: one statement when the facets are cached.
    state_sql = (f"SELECT token AS state_token, rebuild_required AS state_rebuild_required, page.* "
                 f"FROM {schema.STATE_TABLE} LEFT JOIN LATERAL ({page_sql}) page ON TRUE "
                 f"WHERE {schema.STATE_TABLE}.id = 1 ORDER BY page.position"
                 if rows else
                 f"SELECT token AS state_token, rebuild_required AS state_rebuild_required "
                 f"FROM {schema.STATE_TABLE} WHERE id = 1")
    # Full-text conditions go through the GIN index: PostgreSQL does not price the
    # decompression of every tsvector, and for common words picks a sequential scan several
    # times slower. Scoped to these statements (reset with the savepoint's release).
    settings, reset = ("SET LOCAL enable_seqscan = off; ", "SET LOCAL enable_seqscan = DEFAULT; ") \
        if translation.uses_full_text else ("", "")
    return _Plan(state_sql=_driver_sql(state_sql), params=translation.params,
                 summary_sql=_driver_sql(summary_sql), summary_params=summary_params,
                 summary_key=summary_sql + "\x00" + json.dumps(summary_params, sort_keys=True, default=str),
                 facet_fields=facet_fields, rows=rows, wanted=wanted, settings=settings, reset=reset,
                 size=size, cost=cost)


plan_cache = _PlanCache()


def _facet_fields(params: dict[str, Any]) -> list[str]:
    """The facet fields asked for, each once (Solr answers a field asked twice once)."""
    if str(params.get("facet", "true")).lower() != "true":
        return []
    return list(dict.fromkeys(str(x) for x in _as_list(params.get("facet.field"))))


@dataclasses.dataclass(frozen=True)
class QuerySize:
    """What a request asks of the index, counted while it is translated (no SQL)."""

    query_terms: int  # of q alone
    terms: int  # of q and every fq, plain permission_labels terms left out
    wildcard_terms: int
    scanning_wildcards: int


def _limit(name: str) -> int:
    """A limit of the search; 0 or less: no limit."""
    value = tk.config.get(f"ckanext.ogpcatalog.search.{name}")
    return value if value and value > 0 else 0


def _refuse_over(count: int, name: str, message: str) -> None:
    limit = _limit(name)
    if limit and count > limit:
        log.info("Search refused: %s = %s over ckanext.ogpcatalog.search.%s = %s",
                 name, count, name, limit)
        raise SearchQueryError(tk._(message).format(count=count, limit=limit))


def _refuse_oversized(q: str | None, params: dict[str, Any]) -> None:
    """Limits read from the request as it comes, before it is even parsed."""
    for value in [q, params.get("q"), *_as_list(params.get("fq"))]:
        if isinstance(value, str):
            _refuse_over(len(value), "max_query_length", _TOO_LONG)
    facet_fields = _facet_fields(params)
    _refuse_over(len(facet_fields), "max_facet_fields", _TOO_MANY_FACETS)
    for field in facet_fields:
        if not f.FIELD_NAME_RE.match(field):
            raise pysolr.SolrError("undefined field in facet.field")
        if f.is_text_field(field):
            # Solr counts the words of an analysed field (uninverting it in memory); counting
            # whole texts here would be a different answer and reads every matching row's text.
            log.info("Search refused: facet on the text field %s", field)
            raise SearchQueryError(tk._(_TEXT_FACET).format(field=field))


def _refuse_too_large(size: QuerySize) -> None:
    """Limits on the parsed request (a plan, reused from the cache, is checked again: the
    limits are the configuration's of the moment)."""
    _refuse_over(size.query_terms, "max_query_terms", _TOO_MANY_QUERY_TERMS)
    _refuse_over(size.terms, "max_terms", _TOO_MANY_TERMS)
    _refuse_over(size.wildcard_terms, "max_wildcard_terms", _TOO_MANY_WILDCARDS)
    _refuse_over(size.scanning_wildcards, "max_leading_wildcards", _TOO_MANY_LEADING_WILDCARDS)


# Messages of the refusals (translated when raised; they name the limit and its value).
_TOO_LONG = N_("The search is too long: {count} characters (the limit is {limit})")
_TOO_MANY_FACETS = N_("The search asks for too many facet fields: {count} (the limit is {limit})")
_TOO_MANY_TERMS = N_("The search has too many terms: {count} (the limit is {limit})")
_TOO_MANY_QUERY_TERMS = N_("The search text has too many terms (the limit is {limit}): "
                            "search with fewer words")
_TEXT_FACET = N_("The field \"{field}\" cannot be a facet: it holds free text, not values "
                 "(facet.field)")
_TOO_MANY_WILDCARDS = N_("The search has too many terms with wildcards (* or ?): {count} "
                         "(the limit is {limit})")
_TOO_MANY_LEADING_WILDCARDS = N_(
    "The search has too many wildcards at the start or inside a word, or on a field other "
    "than the full text: {count} (the limit is {limit})")


def _timeout_settings(milliseconds: int) -> tuple[str, str]:
    """``SET LOCAL statement_timeout`` for the statements of one search, and its reset (sent
    with the savepoint's release: the caller's transaction keeps its own timeout)."""
    if not milliseconds:
        return "", ""
    return (f"SET LOCAL statement_timeout = {int(milliseconds)}; ",
            "SET LOCAL statement_timeout = DEFAULT; ")


def run_search(q: str | None, params: dict[str, Any]) -> SearchResults:
    _refuse_nul(q, params)
    _refuse_oversized(q, params)
    plan = plan_cache.get(q, params)
    _refuse_too_large(plan.size)
    # A costly search runs only in a free slot (else 429), under its own, shorter timeout.
    with admission.admitted(plan.cost) as costly:
        return _run_plan(plan, admission.statement_timeout(costly), costly)


# A costly search runs in one process of PostgreSQL, without parallel workers: it takes one
# core at most, and leaves the others to the ordinary searches.
_SERIAL, _SERIAL_RESET = ("SET LOCAL max_parallel_workers_per_gather = 0; ",
                          "SET LOCAL max_parallel_workers_per_gather = DEFAULT; ")


def _run_plan(plan: _Plan, budget_ms: int, costly: bool = False) -> SearchResults:
    timeout, timeout_reset = _timeout_settings(budget_ms)
    if costly:
        timeout, timeout_reset = timeout + _SERIAL, timeout_reset + _SERIAL_RESET

    def run(connection, prefix):
        started = time.perf_counter()
        result = connection.exec_driver_sql(prefix + plan.state_sql, plan.params).mappings().all()
        token, rebuild_required = (result[0]["state_token"], bool(result[0]["state_rebuild_required"])) \
            if result else (None, False)
        if rebuild_required:
            _check_rebuilt(connection)
        page = [row for row in result if row.get("id") is not None] if plan.rows else []
        summary = facet_cache.get(token, plan.summary_key)
        if summary is None:
            # The timeout bounds the whole search, not each statement: the summary gets
            # what the page left of it (two statements of 3 s each held a worker 6 s).
            remaining = ""
            if budget_ms:
                left = max(1, int(budget_ms - (time.perf_counter() - started) * 1000))
                remaining = f"SET LOCAL statement_timeout = {left}; "
            summary = _read_summary(
                connection.exec_driver_sql(remaining + plan.summary_sql, plan.summary_params),
                plan.facet_fields)
            facet_cache.put(token, plan.summary_key, summary)
        return summary, page

    (hits, facets), page = _read(run, timeout + plan.settings, plan.reset + timeout_reset,
                                 timeout_ms=budget_ms)
    docs = [_result_doc(row, plan.wanted) for row in page]
    # CKAN rewrites the facet lists in place: hand out copies, never the cached ones.
    return SearchResults(docs, hits, {"facet_fields": {k: list(v) for k, v in facets.items()}})


def _summary_statement(translation: Translation, where: str, facet_fields: list[str],
                       limit: int, mincount: int) -> tuple[str, dict[str, Any]]:
    """Count and facets in one statement: (0, NULL, count), then (i, value, count) rows.

    Exact fields are counted in a single scan of the compact ``facets`` array (one
    ``field<US>value`` entry per value), whatever the number of facets asked for. A facet on
    a text field is refused before (``_refuse_oversized``).
    """
    parts = [f"SELECT 0 AS facet, NULL::text AS value, count(*) AS n FROM {schema.INDEX_TABLE} {T} WHERE {where}"]
    params = dict(translation.params)
    limit_sql = f"AND rank <= {int(limit)}" if limit >= 0 else ""
    having = f"HAVING count(*) >= {max(int(mincount), 1)}"
    exact = list(enumerate(facet_fields, start=1))
    if exact:
        params["facet_fields"] = [field for _, field in exact]
        for n, field in exact:
            params[f"facet_name{n}"] = field
        numbers = " ".join(f"WHEN :facet_name{n} THEN {n}" for n, _ in exact)
        parts.append(f"""
            SELECT (CASE field {numbers} END), value, n FROM (
              SELECT field, value, n,
                     row_number() OVER (PARTITION BY field ORDER BY n DESC, value COLLATE "C") AS rank
              FROM (
                SELECT split_part(entry, E'\\x1f', 1) AS field,
                       substr(entry, strpos(entry, E'\\x1f') + 1) AS value, count(*) AS n
                FROM {schema.INDEX_TABLE} {T} CROSS JOIN LATERAL unnest({T}.facets) entry
                WHERE {where} AND split_part(entry, E'\\x1f', 1) = ANY(:facet_fields)
                GROUP BY entry {having}
              ) counted
            ) ranked WHERE TRUE {limit_sql}""")
    return "\nUNION ALL\n".join(parts), params


def _read_summary(result, facet_fields: list[str]) -> tuple[int, dict[str, list[Any]]]:
    hits = 0
    facets: dict[str, list[Any]] = {field: [] for field in facet_fields}
    for number, value, count in result:
        if number == 0:
            hits = int(count)
        else:
            facets[facet_fields[number - 1]].extend([value, int(count)])
    return hits, facets


def _page_statement(translation: Translation, where: str, order: str, wanted: list[str],
                    rows: int, start: int) -> str:
    """One page of results: the keys are sorted and cut first, then only those rows'
    (wide) stored columns are read.

    The order is numbered after the cut, on the page's rows only: a window function in the
    cut would number every row skipped by the offset (a third of a deep page's cost).
    ``seq`` ends every order, so both sorts agree row for row.
    """
    columns = [f"{T}.id", f"{T}.name"]
    everything = "*" in wanted
    if everything or "data_dict" in wanted:
        columns.append(f"{T}.data_dict")
    if everything or "validated_data_dict" in wanted:
        columns.append(f"{T}.validated_data_dict")
    if everything or any(w not in ("id", "name", "data_dict", "validated_data_dict", "score") for w in wanted):
        columns.append(f"{T}.stored")
    score = f", {translation.rank_expression()} AS score" if "score" in wanted else ""
    if score:
        columns.append("page.score")
    columns.append(f"row_number() OVER (ORDER BY {order}) AS position")
    candidates = relevance_candidates(translation, where, order, rows, start)  # sql.py
    if candidates:
        where = f"({T}.site_id, {T}.id) IN ({candidates})"
    return (f"SELECT {', '.join(columns)} FROM ("
            f"SELECT {T}.site_id, {T}.id{score} "
            f"FROM {schema.INDEX_TABLE} {T} WHERE {where} ORDER BY {order} "
            f"LIMIT {int(rows)} OFFSET {int(start)}"
            f") page JOIN {schema.INDEX_TABLE} {T} ON {T}.site_id = page.site_id AND {T}.id = page.id "
            f"ORDER BY position")


def _result_doc(row: Any, wanted: list[str]) -> dict[str, Any]:
    stored = row.get("stored") or {}
    if isinstance(stored, str):
        stored = json.loads(stored)
    if "*" in wanted:
        doc = dict(stored)
        doc["id"] = row["id"]
        for key in ("data_dict", "validated_data_dict"):
            if row.get(key) is not None:
                doc[key] = row[key]
        if "score" in wanted:
            doc["score"] = float(row["score"])
        return doc
    doc: dict[str, Any] = {}
    for field in wanted:
        if field in ("id", "name", "data_dict", "validated_data_dict"):
            if row.get(field) is not None:
                doc[field] = row[field]
        elif field == "score":
            doc["score"] = float(row["score"])
        elif field in stored:
            doc[field] = stored[field]
    return doc
