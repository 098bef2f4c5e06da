"""Benchmark of the PostgreSQL search backend (``ogpcatalog_search``), anchored on Apache Solr.

For portals of 20,000 and 100,000 generated datasets (``--quick``: 1,000) it reports, per
query shape, the median and p95 latency of ``package_search`` through the CKAN action,
against two baselines timed in the same run on the same database:

* the *floor*: the very SQL statements the backend issues for that query (count, facets,
  page), executed directly on a raw connection, uncached;
* ``naive_pgsearch``: the approach of GSA's ckanext-pgsearch, its whole pipeline: an
  unindexed SQLAlchemy query over ``package`` (``to_tsvector @@ plainto_tsquery OR ILIKE``,
  ``fq`` clauses as filters and subqueries), a COUNT query, the page of ids, ``package_show``
  (validate=False, use_cache=False) for every result, and the facets counted by GROUP BY over
  the whole match set (pgsearch counts them over the page only; here they are right);
* ``naive_sql``: the same unindexed search reduced to its SQL (count, facets and page ids in
  two statements, no dataset dicts built), the cheapest form the naive approach can take,
  printed beside it for reference.

Both baselines must find the same datasets as the action (count, page size and facet counts
are checked before timing; see ``naive_text`` for the two adjustments this needs).

The action is timed twice: in the steady state (counts and facets reused while the index is
unchanged, see ``search/cache.py``) and cold (that cache switched off). It also reports the
full rebuild (``ckan ogpcatalog-search rebuild``) in datasets per second.

**Solr, the performance anchor** (issue 17): the same CKAN process then points CKAN's own
Solr connection at the project's Solr 9.10 node (scripts/solr.sh, the portal's configset
solr/configsets/ckan), holding the same documents as the embedded index (they carry the site
id ``ogpbench-<size>``, so one core holds every size and keeps them between runs), and times
the same ``package_search`` requests on Solr (``solr``: through the action;
``solr_direct``: the very Solr request CKAN sends, replayed with pysolr). Each shape gets
``ratio_action_to_solr`` (embedded / Solr, steady state; > 1 means Solr is faster). Rebuild
speed is measured for both backends in the same run on a sample of datasets (``rebuild_sample``:
the same pipeline and workers, one target at a time), and for the whole portal when an index
had to be (re)built with ``--rebuild``. The node runs on ``SOLR_PORT``; one that already answers is used and left
running, else the benchmark starts it and stops it. ``--no-solr`` leaves Solr out; without the
Solr build (``make test-setup``), ``--quick`` says so and goes on without it.

**Indexing the portal** (``bulk_load``): what an engine lacks is indexed in bulk, each
document built once and written to both engines in batches (the embedded backend's own
upsert, one Solr update request per batch): through the rebuild pipeline, 100,000 datasets
took hours per engine. The documents come from CKAN's own path (``index_package`` and its
hooks); the ``package_show`` dicts it starts from are, where known, the ones stored in an
embedded index by the real path (this portal's, or ``--documents-from``: a smaller benchmark
portal, whose datasets are the same), or written from the generator's values on those dicts'
shapes (``GeneratedDicts``); each source is used only if its documents equal the real path's
on a sample, else ``package_show`` runs. ``--rebuild`` times the full rebuild instead. The
naive baselines scan the whole catalogue for every run (over a minute per run at 100,000):
they run up to ``--naive-max-size`` (20,000).

Targets (issue 2): action/floor <= 2 for every shape; at least 20x faster than the naive
search, judged against ``naive_pgsearch`` (the approach of pgsearch; ``naive_sql`` ratios are
reported too). Issue 17: action/Solr <= 1.0 on every shape at 100,000.
"""
from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402

import common  # noqa: E402
import portal_data  # noqa: E402
from ckanext.ogpcatalog.search.solr_admin import solr_answers  # noqa: E402

FACETS = ["organization", "groups", "tags", "res_format", "license_id"]


def shapes(size: int) -> dict[str, dict]:
    deep = max(0, min(5000, size // 2))
    return {
        "empty_with_facets": {"q": ""},
        "common_word": {"q": "datos"},
        "rare_word": {"q": portal_data.RARE_WORD},
        "text_and_3_facets": {"q": "presupuesto",
                              "fq": 'tags:"transparencia" res_format:"CSV" license_id:"cc-by"'},
        "fq_organization": {"q": "", "fq": 'organization:"institucion-007"'},
        "sort_by_modified": {"q": "", "sort": "metadata_modified desc"},
        "deep_page": {"q": "", "sort": "metadata_modified desc", "start": deep},
    }


def action_request(shape: dict) -> dict:
    request = {"q": shape.get("q", ""), "rows": 20, "start": shape.get("start", 0),
               "facet.field": json.dumps(FACETS)}
    for key in ("fq", "sort"):
        if key in shape:
            request[key] = shape[key]
    return request


# -- the floor: replay the backend's own statements ----------------------------------------

class StatementRecorder:
    """Records the Solr-style requests the backend receives, to replay their SQL."""

    def __init__(self):
        self.requests: list[tuple[str | None, dict]] = []

    def __enter__(self):
        from ckanext.ogpcatalog.search import connection
        self._original = connection.PostgresSolrConnection.search
        recorder = self

        def search(conn_self, q=None, **params):
            recorder.requests.append((q, dict(params)))
            return recorder._original(conn_self, q, **params)

        connection.PostgresSolrConnection.search = search
        return self

    def __exit__(self, *exc):
        from ckanext.ogpcatalog.search import connection
        connection.PostgresSolrConnection.search = self._original


def floor_statements(q, params) -> list[tuple[str, dict]]:
    """The SQL the backend runs for one request, compiled for the raw DBAPI connection."""
    from sqlalchemy.dialects import postgresql
    from ckanext.ogpcatalog.search import connection as c
    from ckanext.ogpcatalog.search import sql as s

    translation = c._translate(q, params)
    where = translation.where_sql
    facet_fields = [str(x) for x in c._as_list(params.get("facet.field"))]
    summary_sql, summary_params = c._summary_statement(
        translation, where, facet_fields, int(params.get("facet.limit", 50)),
        int(params.get("facet.mincount", 1)))
    wanted = str(params.get("fl") or "*").replace(",", " ").split()
    page_sql = c._page_statement(translation, where, s.order_by(params.get("sort"), translation),
                                 wanted, int(params.get("rows", 10)), int(params.get("start", 0)))
    dialect = postgresql.psycopg2.dialect()
    # The same planner setting the backend uses for full-text conditions (connection.py).
    compiled = [("SET enable_seqscan = " + ("off" if translation.uses_full_text else "on"), {})]
    for statement, values in ((summary_sql, summary_params), (page_sql, translation.params)):
        text = str(sa.text(statement).compile(dialect=dialect))
        compiled.append((text, values))
    return compiled


def run_raw(raw_connection, statements) -> None:
    with raw_connection.cursor() as cursor:
        for text, values in statements:
            cursor.execute(text, values)
            if cursor.description is not None:
                cursor.fetchall()
    raw_connection.rollback()


# -- the naive baselines --------------------------------------------------------------------
#
# Both search CKAN's own tables with nothing precomputed, the approach of GSA's
# ckanext-pgsearch: pgsearch matches `to_tsvector('simple', concat_ws(name, title, notes,
# author, maintainer)) @@ plainto_tsquery(q) OR name/title/notes ILIKE '%q%'`. Two departures,
# both so that the baselines find the same datasets as the action (asserted at every shape):
# the words are analysed as the index analyses them (Spanish, English and simple together:
# `ogpcatalog_tsv`/`ogpcatalog_tsq`; with `simple` alone "datos" finds 8,515 datasets of the
# action's 11,302 at 20,000), and tag names, part of CKAN's `text`, match through a subquery
# (without it "presupuesto" finds 420 of 2,081).


def naive_text(p: str = "p", bind=lambda name: f"%({name})s") -> str:
    """pgsearch's text condition over the package table aliased ``p``."""
    q, like = bind("q"), bind("like")
    return (f"(ogpcatalog_tsv(concat_ws(' ', {p}.name, {p}.title, {p}.notes, {p}.author, {p}.maintainer)) "
            f"@@ ogpcatalog_tsq({q}) OR {p}.name ILIKE {like} OR {p}.title ILIKE {like} "
            f"OR {p}.notes ILIKE {like} OR {p}.id IN (SELECT pt.package_id FROM package_tag pt "
            f"JOIN tag t ON t.id = pt.tag_id WHERE pt.state = 'active' "
            f"AND ogpcatalog_tsv(t.name) @@ ogpcatalog_tsq({q})))")


def naive_order(shape: dict, p: str = "p", bind=lambda name: f"%({name})s") -> str:
    if shape.get("q") and not shape.get("sort"):
        return (f"ts_rank_cd(ogpcatalog_tsv(concat_ws(' ', {p}.name, {p}.title, {p}.notes)), "
                f"ogpcatalog_tsq({bind('q')})) DESC, {p}.metadata_modified DESC")
    return f"{p}.metadata_modified DESC"


NAIVE_FACETS = {
    "organization": "SELECT g.name AS v, count(*) FROM m JOIN \"group\" g ON g.id = m.owner_org GROUP BY 1",
    "groups": ("SELECT g.name AS v, count(*) FROM m JOIN member mb ON mb.table_id = m.id AND "
               "mb.table_name = 'package' AND mb.state = 'active' AND mb.capacity <> 'organization' "
               "JOIN \"group\" g ON g.id = mb.group_id GROUP BY 1"),
    "tags": ("SELECT t.name AS v, count(*) FROM m JOIN package_tag pt ON pt.package_id = m.id AND "
             "pt.state = 'active' JOIN tag t ON t.id = pt.tag_id GROUP BY 1"),
    "res_format": ("SELECT r.format AS v, count(DISTINCT m.id) FROM m JOIN resource r ON "
                   "r.package_id = m.id AND r.state = 'active' GROUP BY 1"),
    "license_id": "SELECT m.license_id AS v, count(*) FROM m GROUP BY 1",
}
NAIVE_FACETS_SQL = " UNION ALL ".join(
    f"(SELECT '{name}' AS facet, v, count FROM ({sql}) f(v, count) ORDER BY count DESC, v LIMIT 50)"
    for name, sql in NAIVE_FACETS.items())

_FQ_RE = re.compile(r'(\w+):"([^"]*)"')


def parse_fq(fq: str) -> list[tuple[str, str]]:
    """The shapes' ``fq`` (``field:"value"`` clauses, ANDed), as pgsearch splits it."""
    clauses = _FQ_RE.findall(fq or "")
    if _FQ_RE.sub("", fq or "").strip():
        raise ValueError(f"the naive baselines cannot read this fq: {fq!r}")
    return clauses


def naive_where(shape: dict) -> tuple[str, dict]:
    params: dict = {}
    # An anonymous user's search: public, active datasets.
    where = ["p.state = 'active'", "p.type = 'dataset'", "p.private = false"]
    q = shape.get("q") or ""
    if q:
        params.update(q=q, like=f"%{q}%")
        where.append(naive_text())
    for n, (field, value) in enumerate(parse_fq(shape.get("fq", ""))):
        key = f"fq{n}"
        params[key] = value
        if field == "organization":
            where.append(f"p.owner_org IN (SELECT id FROM \"group\" WHERE name = %({key})s)")
        elif field == "tags":
            where.append(f"p.id IN (SELECT pt.package_id FROM package_tag pt JOIN tag t ON t.id = pt.tag_id "
                         f"WHERE pt.state = 'active' AND t.name = %({key})s)")
        elif field == "res_format":
            where.append(f"p.id IN (SELECT package_id FROM resource WHERE state = 'active' AND format = %({key})s)")
        elif field == "license_id":
            where.append(f"p.license_id = %({key})s")
        else:
            raise ValueError(f"the naive baselines cannot filter on {field}")
    return " AND ".join(where), params


def naive_sql(shape: dict, rows: int = 20) -> tuple[list[str], dict]:
    """naive_sql: the whole answer in SQL (count and facets over the match set, then the page
    of ids), the cheapest form of the naive search; no dataset dicts are built."""
    where, params = naive_where(shape)
    base = f"SELECT p.* FROM package p WHERE {where}"
    statements = [
        f"WITH m AS ({base}) SELECT 'count', NULL, count(*) FROM m UNION ALL {NAIVE_FACETS_SQL}",
        f"SELECT p.id FROM package p WHERE {where} ORDER BY {naive_order(shape)} "
        f"LIMIT {int(rows)} OFFSET {int(shape.get('start', 0))}",
    ]
    return statements, params


def run_naive_sql(raw_connection, statements_and_params) -> int:
    statements, params = statements_and_params
    with raw_connection.cursor() as cursor:
        cursor.execute(statements[0], params)
        count = next(row[2] for row in cursor.fetchall() if row[0] == "count")
        cursor.execute(statements[1], params)
        cursor.fetchall()
    raw_connection.rollback()
    return int(count)


def naive_pgsearch(shape: dict, context: dict, rows: int = 20) -> dict:
    """naive_pgsearch: ckanext-pgsearch's pipeline. A SQLAlchemy query over ``package`` with
    the text condition and the ``fq`` clauses as filters (the organization resolved to its id
    first, tags and formats through subqueries), a COUNT query, the page of ids, then
    ``package_show`` (validate=False, use_cache=False) for every result. pgsearch counts facets
    in Python over that page only; here they are counted correctly, by GROUP BY over the
    whole (unindexed) match set, so that the answer is the action's."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    session = model.Session
    query = session.query(model.Package.id).filter(
        model.Package.state == "active", model.Package.type == "dataset",
        model.Package.private == sa.false())
    q = shape.get("q") or ""
    params = {"q": q, "like": f"%{q}%"}
    if q:
        query = query.filter(sa.text(naive_text("package", lambda name: f":{name}"))).params(**params)
    for field, value in parse_fq(shape.get("fq", "")):
        if field == "organization":
            group = model.Group.get(value)
            query = query.filter(model.Package.owner_org == (group.id if group else None))
        elif field == "tags":
            query = query.filter(model.Package.id.in_(
                sa.select(model.PackageTag.package_id).join(model.Tag, model.Tag.id == model.PackageTag.tag_id)
                .where(model.PackageTag.state == "active", model.Tag.name == value)))
        elif field == "res_format":
            query = query.filter(model.Package.id.in_(
                sa.select(model.Resource.package_id).where(model.Resource.state == "active",
                                                           model.Resource.format == value)))
        elif field == "license_id":
            query = query.filter(model.Package.license_id == value)
        else:
            raise ValueError(f"the naive baselines cannot filter on {field}")
    count = query.count()
    order = sa.text(naive_order(shape, "package", lambda name: f":{name}"))
    ids = [row[0] for row in query.order_by(order).offset(int(shape.get("start", 0))).limit(rows)]
    show = tk.get_action("package_show")
    results = [show(dict(context, validate=False, use_cache=False), {"id": id_}) for id_ in ids]
    # Facets over the whole match set, from the same query.
    compiled = query.statement.compile(dialect=session.get_bind().dialect)
    match_sql = str(compiled).replace("SELECT package.id", "SELECT package.*", 1)
    facets: dict[str, dict[str, int]] = {name: {} for name in NAIVE_FACETS}
    for facet, value, n in session.connection().exec_driver_sql(
            f"WITH m AS ({match_sql}) {NAIVE_FACETS_SQL}", dict(compiled.params, **params)):
        facets[facet][value] = int(n)
    session.rollback()
    return {"count": count, "results": results, "facets": facets}


# -- Solr: the production engine on the same data, in the same process ----------------------

SOLR_SH = common.ROOT / "scripts" / "solr.sh"
STATE_DIR = Path(os.environ.get("STATE_DIR", "/var/lib/ogpcatalog"))


def solr_node_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('SOLR_PORT', '58983')}/solr/ckan"


def solr_built() -> bool:
    return (STATE_DIR / "solr" / "build" / "classpath.txt").is_file()


@contextlib.contextmanager
def solr_node(report) -> Iterator[str]:
    """The project's Solr node (scripts/solr.sh start-node); stopped afterwards if started here."""
    url = solr_node_url()
    already = solr_answers(url)
    started = time.perf_counter()
    if not already:
        result = subprocess.run(["bash", str(SOLR_SH), "start-node"], capture_output=True, text=True,
                                timeout=600)
        if result.returncode != 0:
            raise SystemExit(f"the Solr node did not start:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    report.line(f"Solr node {url}: {'already running' if already else 'started'} "
                f"({time.perf_counter() - started:.1f} s)")
    try:
        yield url
    finally:
        if not already:
            subprocess.run(["bash", str(SOLR_SH), "stop-node"], capture_output=True, timeout=120)


class SolrRecorder:
    """CKAN's own Solr connection to ``url`` (pysolr, CKAN's decoder and timeout), recording
    the last request CKAN sends, to replay it directly (``solr_direct``)."""

    def __init__(self, url: str):
        import ckan.lib.search.common as ckan_search_common
        from ckan.common import config
        from ckanext.ogpcatalog.search import backend
        self.url = url
        self.last: dict | None = None
        ckan_make_connection = backend._ORIGINALS.get(
            "ckan.lib.search.common.make_connection", ckan_search_common.make_connection)
        recorder = self

        def make(decode_dates: bool = True) -> Any:
            previous = config.get("solr_url")
            config["solr_url"] = url
            try:
                connection = ckan_make_connection(decode_dates=decode_dates)
            finally:
                config["solr_url"] = previous
            original_search = connection.search

            def search(*args, **kwargs):
                recorder.last = {"args": args, "kwargs": dict(kwargs), "decode_dates": decode_dates}
                return original_search(*args, **kwargs)
            connection.search = search
            return connection
        self.make_connection: Callable[..., Any] = make

    def replay(self) -> Callable[[], Any]:
        assert self.last is not None
        last = dict(self.last)
        connection = self.make_connection(decode_dates=last["decode_dates"])
        return functools.partial(connection.search, *last["args"], **last["kwargs"])


@contextlib.contextmanager
def patched(module, name: str, value) -> Iterator[None]:
    original = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, original)


@contextlib.contextmanager
def solr_site(size: int) -> Iterator[str]:
    """The Solr documents of this portal size carry their own site id (CKAN filters every
    search by ``site_id``), so one core keeps every size between runs."""
    from ckan.common import config
    previous = config.get("ckan.site_id")
    config["ckan.site_id"] = site = f"ogpbench-{size}"
    try:
        yield site
    finally:
        config["ckan.site_id"] = previous


def timed_rebuild(target_make_connection, sample: list[str] | None, progress=None) -> dict:
    """``rebuild_index`` (2 worker processes, ``package_show`` and the index hook per dataset)
    writing through ``target_make_connection``; on ``sample`` only when given (the embedded
    index's other rows are left alone: no sweep)."""
    import ckan.lib.search.index as ckan_search_index
    from flask import current_app
    from ckanext.ogpcatalog.search import rebuild
    with contextlib.ExitStack() as stack:
        stack.enter_context(patched(ckan_search_index, "make_connection", target_make_connection))
        if sample is not None:
            stack.enter_context(patched(rebuild, "dataset_ids", lambda: list(sample)))
            stack.enter_context(patched(rebuild, "sweep_stale_rows", lambda ids: 0))
        result = rebuild.rebuild_index(current_app._get_current_object(), workers=2, progress=progress)
        started = time.perf_counter()
        target_make_connection().commit()
        commit = time.perf_counter() - started
    seconds = result["seconds"] + commit
    return {"datasets": result["datasets"], "failed": result["failed"], "seconds": round(seconds, 2),
            "datasets_per_second": round(result["datasets"] / seconds, 1) if seconds else None,
            "workers": result["workers"]}


# -- bulk loading: each index document built once, both engines loaded from it ---------------
#
# The rebuild pipeline (``rebuild_index``: package_show, the index hooks, one write per
# dataset) runs at about 30 datasets/s per engine on this machine: 100,000 datasets would take
# hours for each. What is measured here is search, so the portal is indexed once in bulk:
# the documents are built by CKAN's own path (``package_show`` with the default and the
# custom schema, ``PackageSearchIndex.index_package`` and every ``before_dataset_index``
# hook), caught before they reach an engine, and the same documents go to both engines in
# batches: the embedded backend's own upsert (``PostgresSolrConnection.add``, one transaction
# per batch) and one Solr update request per batch. The rebuild rates of both engines are
# still measured through the real rebuild path, on a sample (``rebuild_sample``).

def build_documents(ids: list[str]) -> list[dict]:
    """The index documents of ``ids`` as CKAN builds them, caught before any engine."""
    import ckan.lib.search.index as ckan_search_index
    import ckan.logic as logic
    caught: list[dict] = []

    class Catcher:
        def add(self, docs=(), commit=True, **_):
            caught.extend(docs)

    with patched(ckan_search_index, "make_connection", lambda decode_dates=True: Catcher()):
        for package_id in ids:
            logic.index_update_package({"ignore_auth": True}, package_id, True)
    return caught


def documents_from_dicts(dicts: dict[str, tuple[str, str]]) -> list[dict]:
    """The index documents of datasets whose ``package_show`` dicts (default and custom
    schema, as JSON) are known: ``index_package`` and its hooks, without ``package_show``."""
    import ckan.lib.search.index as ckan_search_index
    caught: list[dict] = []

    class Catcher:
        def add(self, docs=(), commit=True, **_):
            caught.extend(docs)

    index = ckan_search_index.PackageSearchIndex()
    with patched(ckan_search_index, "make_connection", lambda decode_dates=True: Catcher()):
        for data_dict, validated_data_dict in dicts.values():
            index.index_package(dict(json.loads(data_dict), with_custom_schema=json.loads(validated_data_dict)),
                                defer_commit=True)
    return caught


class KnownDicts:
    """``package_show`` dicts of the portal's datasets, as the real rebuild path stored them
    in an embedded index (this database's, or ``--documents-from``: a smaller benchmark
    portal, whose datasets 0..n-1 are the same datasets, generated from the same seeds).
    Used only after ``verify`` found the documents they give equal to the real path's."""

    def __init__(self, database_url: str, site: str):
        self.engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
        self.site = site

    def get(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        with self.engine.connect() as connection:
            if not connection.execute(sa.text("SELECT to_regclass('ogpcatalog_search_index') IS NOT NULL")).scalar():
                return {}
            return {row[0]: (row[1], row[2]) for row in connection.execute(sa.text(
                "SELECT i.id, i.data_dict, i.validated_data_dict FROM ogpcatalog_search_index i "
                "WHERE i.site_id = :site AND i.id = ANY(:ids) AND i.data_dict IS NOT NULL"),
                {"site": self.site, "ids": ids})}

    def verify(self, ids: list[str]) -> bool:
        known = self.get(ids)
        if not known:
            return False
        built = {doc["id"]: doc for doc in build_documents(list(known))}
        derived = {doc["id"]: doc for doc in documents_from_dicts(known)}
        return built == derived


class GeneratedDicts:
    """``package_show`` dicts of generated datasets (bench/portal_data.py) written from the
    generator's own values, on the shapes of dicts the real path produced (``templates``: a
    stored index's dicts, for the key order, the licence fields and the organization, group
    and tag dicts). Used only after ``verify`` found its documents equal to the real path's,
    dataset by dataset, on a sample."""

    def __init__(self, templates: "KnownDicts", ids: list[str], database_url: str):
        self.engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
        base = templates.get(ids)
        self.by_license: dict[tuple[str, bool], dict] = {}
        self.organizations: dict[str, dict] = {}
        self.groups: dict[str, dict] = {}
        self.tags: dict[str, dict] = {}
        self.resource_keys: list[str] = []
        for data_dict, validated in base.values():
            if data_dict != validated:
                continue  # only the shape where both schemas give the same dict
            pkg = json.loads(data_dict)
            # (the key order of package_show's dict differs with and without groups)
            self.by_license.setdefault((pkg["license_id"], bool(pkg["groups"])), pkg)
            if pkg.get("organization"):
                self.organizations[pkg["owner_org"]] = pkg["organization"]
            for group in pkg["groups"]:
                self.groups[group["id"]] = group
            for tag in pkg["tags"]:
                self.tags[tag["name"]] = tag
            if pkg["resources"] and not self.resource_keys:
                self.resource_keys = list(pkg["resources"][0])

    def package_dict(self, i: int) -> dict | None:
        generated = portal_data.dataset(i)
        template = self.by_license.get((generated["license_id"], bool(generated["groups"])))
        organization = self.organizations.get(generated["owner_org"])
        if template is None or organization is None or not self.resource_keys or \
                any(g not in self.groups for g in generated["groups"]) or \
                any(t not in self.tags for t in generated["tags"]):
            return None
        pkg = json.loads(json.dumps(template))
        created, modified = generated["metadata_created"].isoformat(), generated["metadata_modified"].isoformat()
        resources = []
        for n, fmt in enumerate(generated["resources"]):
            values = {key: None for key in self.resource_keys}
            values.update(created=created, format=fmt, id=portal_data.stable_id("resource", f"{generated['id']}-{n}"),
                          metadata_modified=modified, name=f"Recurso {n + 1}", package_id=generated["id"],
                          position=n, state="active",
                          url=f"https://datos.example.gob/{generated['name']}/recurso-{n}.{fmt.lower()}",
                          url_type="")
            resources.append(values)
        pkg.update(id=generated["id"], name=generated["name"], title=generated["title"].strip(),
                   notes=generated["notes"], owner_org=generated["owner_org"], organization=organization,
                   private=generated["private"], metadata_created=created, metadata_modified=modified,
                   num_resources=len(resources), num_tags=len(generated["tags"]), resources=resources,
                   tags=[self.tags[t] for t in sorted(generated["tags"])],
                   groups=sorted((self.groups[g] for g in generated["groups"]), key=lambda g: g["display_name"]))
        return pkg

    def get(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        from ckan.lib.navl.dictization_functions import MissingNullEncoder
        with self.engine.connect() as connection:
            names = dict(connection.execute(sa.text(
                "SELECT id, name FROM package WHERE id = ANY(:ids) AND name LIKE 'conjunto-%'"), {"ids": ids}).all())
        found = {}
        for package_id, name in names.items():
            pkg = self.package_dict(int(name.split("-", 1)[1]))
            if pkg is not None and pkg["id"] == package_id:
                found[package_id] = (json.dumps(pkg), json.dumps(pkg, cls=MissingNullEncoder))
        return found

    def verify(self, ids: list[str]) -> bool:
        known = self.get(ids)
        if len(known) < len(ids) // 2:
            return False
        built = {doc["id"]: doc for doc in build_documents(list(known))}
        derived = {doc["id"]: doc for doc in documents_from_dicts(known)}
        return built == derived


def for_site(doc: dict, site: str) -> dict:
    """The same document under another site id (and the index id CKAN derives from it)."""
    import hashlib
    return dict(doc, site_id=site, index_id=hashlib.md5(f"{doc['id']}{site}".encode()).hexdigest())


def solr_ids(solr: "SolrRecorder", site: str) -> set[str]:
    connection = solr.make_connection(decode_dates=False)
    found: set[str] = set()
    cursor = "*"
    while True:
        page = connection.search(q="*:*", fq=f'site_id:"{site}"', fl="id", rows=10000,
                                 sort="index_id asc", cursorMark=cursor)
        found.update(doc["id"] for doc in page.docs)
        if page.nextCursorMark == cursor:
            return found
        cursor = page.nextCursorMark


def bulk_load(report, size: int, solr_url: str | None, workers: int = 2, batch: int = 250,
              documents_from: str | None = None) -> dict | None:
    """Index in bulk what each engine lacks of the portal; None when both are complete."""
    import ckan.model as model
    from ckan.common import config
    from flask import current_app
    from ckanext.ogpcatalog.search import rebuild, schema
    from ckanext.ogpcatalog.search.connection import PostgresSolrConnection

    schema.ensure_schema()
    universe = rebuild.dataset_ids()
    site = config.get("ckan.site_id")
    present = {row[0] for row in model.Session.execute(
        sa.text(f"SELECT id FROM {schema.INDEX_TABLE} WHERE site_id = :site"), {"site": site})}
    embedded_missing = set(universe) - present
    solr = SolrRecorder(solr_url) if solr_url else None
    solr_site_id = f"ogpbench-{size}"
    solr_missing = set(universe) - solr_ids(solr, solr_site_id) if solr else set()
    model.Session.remove()
    wanted = sorted(embedded_missing | solr_missing)
    if not wanted:
        return None
    report.line(f"Bulk indexing: {len(embedded_missing)} documents for the embedded index, "
                f"{len(solr_missing)} for Solr, each built once ({workers} workers)")
    sources = [KnownDicts(str(model.meta.engine.url.render_as_string(hide_password=False)), site)]
    if documents_from:
        sources.append(KnownDicts(common.database_url(documents_from), site))
    sample = wanted[:: max(1, len(wanted) // 20)][:20]
    sources = [source for source in sources if source.verify(sample)]
    if sources:
        # The generated datasets' dicts, written from the generator on the stored dicts'
        # shapes, checked against the real path on a larger sample (any difference: not used).
        generated = GeneratedDicts(sources[-1], sorted(set(universe) - embedded_missing - solr_missing)[:2000]
                                   or wanted[:2000], str(model.meta.engine.url.render_as_string(hide_password=False)))
        check = wanted[:: max(1, len(wanted) // 200)][:200]
        if generated.verify(check):
            sources.append(generated)
    model.Session.remove()
    report.line(f"  package_show dicts reused from {len(sources)} stored index(es) "
                f"(their documents equal the real path's on a sample of {len(sample)})")

    def index_batch(ids: list[str]) -> None:  # runs in rebuild_index's worker processes
        known: dict[str, tuple[str, str]] = {}
        for source in sources:
            known.update(source.get([i for i in ids if i not in known]))
        docs = documents_from_dicts(known) + build_documents([i for i in ids if i not in known])
        with counter.get_lock():
            counter.value += len(known)
        embedded_docs = [doc for doc in docs if doc["id"] in embedded_missing]
        if embedded_docs:
            PostgresSolrConnection().add(embedded_docs, commit=False)
        model.Session.commit()
        solr_docs = [for_site(doc, solr_site_id) for doc in docs if doc["id"] in solr_missing]
        if solr_docs:
            solr.make_connection().add(solr_docs, commit=False)

    counter = multiprocessing.get_context("fork").Value("i", 0)
    with contextlib.ExitStack() as stack:
        stack.enter_context(patched(rebuild, "dataset_ids", lambda: wanted))
        stack.enter_context(patched(rebuild, "sweep_stale_rows", lambda ids: 0))
        stack.enter_context(patched(rebuild, "_index_batch", index_batch))
        result = rebuild.rebuild_index(current_app._get_current_object(), workers=workers, batch=batch,
                                       progress=lambda done, total: report.progress("  indexing", done, total))
    if solr:
        solr.make_connection().commit()
    with model.meta.engine.begin() as connection:  # what the rebuild's sweep records
        connection.execute(sa.text(f"UPDATE {schema.STATE_TABLE} SET rebuild_required = false"))
        connection.execute(sa.text(f"UPDATE {schema.STATE_TABLE} SET token = md5(random()::text)"))
    if result["failed"]:
        raise SystemExit(f"bulk indexing: {result['failed']} datasets failed (see the log)")
    figures = {"documents": len(wanted), "embedded": len(embedded_missing), "solr": len(solr_missing),
               "from_stored_dicts": counter.value,
               "seconds": result["seconds"], "documents_per_second": result["datasets_per_second"],
               "workers": workers}
    report.line(f"  {len(wanted)} documents in {result['seconds']} s = "
                f"{result['datasets_per_second']} documents/s (built once, written to both; "
                f"{counter.value} from stored package_show dicts)")
    return figures


def solr_count(solr: SolrRecorder, site: str) -> int:
    return solr.make_connection().search(q="*:*", fq=f'site_id:"{site}"', rows=0).hits


def measure_solr(report, size: int, repeat: int, solr_url: str, quick: bool, embedded: dict) -> dict:
    """Solr's side of every shape, its rebuild, and both backends' rebuild on a sample."""
    import ckan.lib.search.query as ckan_search_query
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.ogpcatalog.search import backend

    solr = SolrRecorder(solr_url)
    figures: dict[str, Any] = {"url": solr_url, "rebuild": None}
    with solr_site(size) as site:
        indexed = solr_count(solr, site)
        if indexed != size or "--rebuild" in sys.argv:
            report.line(f"Solr: indexing the {size} datasets (rebuild_index, 2 workers; "
                        f"{indexed} documents of {site} there)")
            solr.make_connection().delete(q=f'site_id:"{site}"', commit=True)
            figures["rebuild"] = timed_rebuild(solr.make_connection, None, progress=lambda done, total:
                                               report.progress("  indexing into Solr", done, total))
            report.line(f"  {size} datasets in {figures['rebuild']['seconds']} s = "
                        f"{figures['rebuild']['datasets_per_second']} datasets/s")
            indexed = solr_count(solr, site)
            if indexed != size:
                raise SystemExit(f"Solr holds {indexed} documents of {size} after the rebuild")
        context = {"user": "", "auth_user_obj": None, "ignore_auth": False}
        package_search = tk.get_action("package_search")
        shapes_figures = {}
        with patched(ckan_search_query, "make_connection", solr.make_connection):
            for name, shape in shapes(size).items():
                request = action_request(shape)
                first = package_search(dict(context), dict(request))
                search_once = functools.partial(lambda r: package_search(dict(context), dict(r)), request)
                action = common.summary(common.timings(search_once, repeat))
                direct = common.summary(common.timings(solr.replay(), repeat))
                shapes_figures[name] = {"count": first["count"], "action": action, "direct": direct}
                if first["count"] != embedded[name]["count"]:
                    report.line(f"  note: {name}: Solr finds {first['count']} datasets, the embedded "
                                f"backend {embedded[name]['count']} (tests/search/differential explains)")
    figures["shapes"] = shapes_figures
    # Rebuild speed of each backend, in the same run, on the same sample (the embedded rows
    # under the portal's site id, the Solr documents under the benchmark's).
    sample_size = min(size, 50 if quick else 1000)
    sample = [row[0] for row in model.Session.query(model.Package.id)
              .order_by(model.Package.id).limit(sample_size)]
    model.Session.remove()
    embedded_rebuild = timed_rebuild(backend.make_connection, sample)
    with solr_site(size):
        solr_rebuild = timed_rebuild(solr.make_connection, sample)
    model.Session.remove()
    figures["rebuild_sample"] = {"embedded": embedded_rebuild, "solr": solr_rebuild}
    report.line(f"Rebuild of {sample_size} datasets (2 workers): embedded "
                f"{embedded_rebuild['datasets_per_second']} datasets/s, Solr "
                f"{solr_rebuild['datasets_per_second']} datasets/s")
    return figures


# -- main ----------------------------------------------------------------------------------

def measure_size(report, size: int, repeat: int, ini: str, solr_url: str | None = None,
                 quick: bool = False, naive: bool = True, documents_from: str | None = None) -> dict:
    import ckan.lib.search as search
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckan.common import config
    from ckanext.ogpcatalog.search.cache import facet_cache

    # Latency is measured here, not the limits against abuse (bench/search_dos.py): a cold
    # count over 100,000 datasets on a loaded machine outlasts the default statement timeout.
    for limit in ("statement_timeout", "costly_statement_timeout", "max_costly_searches"):
        config[f"ckanext.ogpcatalog.search.{limit}"] = 0
    engine = model.meta.engine
    added = portal_data.load(engine, size, progress=lambda done: report.progress(
        f"Generating {size} datasets", done, size - (portal_data.existing_count(engine) - done)))
    report.line(f"Portal: {size} datasets ({added} added this run)")

    bulk = None if "--rebuild" in sys.argv else bulk_load(report, size, solr_url, documents_from=documents_from)
    indexed = _indexed_count(engine)
    rebuild = None
    if indexed != size or "--rebuild" in sys.argv:
        from flask import current_app
        from ckanext.ogpcatalog.search.rebuild import rebuild_index
        report.line("Full rebuild: ckan ogpcatalog-search rebuild (2 workers, in place)")
        rebuild = rebuild_index(current_app._get_current_object(), workers=2,
                                progress=lambda done, total: report.progress("  indexing", done, total))
        report.line(f"  {rebuild['datasets']} datasets in {rebuild['seconds']} s = "
                    f"{rebuild['datasets_per_second']} datasets/s")
        # Baseline in the same run: CKAN's own single-process rebuild, on a sample.
        sample = min(size, 500)
        ids = [row[0] for row in model.Session.query(model.Package.id).limit(sample)]
        started = time.perf_counter()
        search.rebuild(package_ids=ids, quiet=True)
        elapsed = time.perf_counter() - started
        rebuild["ckan_rebuild_sample"] = {"datasets": sample, "seconds": round(elapsed, 2),
                                          "datasets_per_second": round(sample / elapsed, 1)}
        report.line(f"  CKAN's search-index rebuild (1 process), {sample} datasets: "
                    f"{sample / elapsed:.0f} datasets/s")
    model.Session.remove()
    with engine.connect() as connection:  # what autovacuum does after a bulk load
        connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in ("ogpcatalog_search_index", "package", "resource", "package_tag", "member"):
            connection.execute(sa.text(f"VACUUM ANALYZE {table}"))

    raw = engine.raw_connection()
    context = {"user": "", "auth_user_obj": None, "ignore_auth": False}
    package_search = tk.get_action("package_search")
    naive_repeat = max(3, repeat // 5)  # each naive run scans the whole catalogue
    results = {}
    for name, shape in shapes(size).items():
        request = action_request(shape)
        with StatementRecorder() as recorder:
            first = package_search(dict(context), dict(request))
        statements = floor_statements(*recorder.requests[-1])
        if naive:
            # Both baselines must give the action's answer before they are timed.
            sql_statements = naive_sql(shape, rows=request["rows"])
            sql_count = run_naive_sql(raw, sql_statements)
            pipeline = naive_pgsearch(shape, dict(context), rows=request["rows"])
            check_same_answer(name, first, sql_count, pipeline)
        facet_cache.clear()
        search_once = functools.partial(lambda r: package_search(dict(context), dict(r)), request)
        action = common.summary(common.timings(search_once, repeat))
        config["ckanext.ogpcatalog.search.facet_cache_size"] = 0
        action_cold = common.summary(common.timings(search_once, repeat))
        config["ckanext.ogpcatalog.search.facet_cache_size"] = 512
        floor = common.summary(common.timings(functools.partial(run_raw, raw, statements), repeat))
        results[name] = {
            "count": first["count"],
            "action": action, "action_cold": action_cold, "floor": floor,
            "ratio_action_to_floor": round(action["median_ms"] / floor["median_ms"], 2),
            "ratio_cold_action_to_floor": round(action_cold["median_ms"] / floor["median_ms"], 2),
        }
        if not naive:
            continue
        # The correctness runs above warmed both baselines.
        naive_sql_time = common.summary(common.timings(
            functools.partial(run_naive_sql, raw, sql_statements), naive_repeat, warmup=0))
        naive_pipeline = common.summary(common.timings(
            functools.partial(naive_pgsearch, shape, dict(context), request["rows"]), naive_repeat, warmup=0))
        results[name].update({
            "naive_sql": naive_sql_time, "naive_pgsearch": naive_pipeline,
            "naive_pgsearch_over_action": round(naive_pipeline["median_ms"] / action["median_ms"], 1),
            "naive_pgsearch_over_cold_action": round(naive_pipeline["median_ms"] / action_cold["median_ms"], 1),
            "naive_sql_over_action": round(naive_sql_time["median_ms"] / action["median_ms"], 1),
            "naive_sql_over_cold_action": round(naive_sql_time["median_ms"] / action_cold["median_ms"], 1),
        })
    raw.close()
    if not naive:
        report.line(f"(naive baselines not run at {size} datasets: --naive-max-size)")
    report.line(f"\n{'shape':18} {'hits':>6} {'action':>8} {'p95':>7} {'cold':>8} {'floor':>8} "
                f"{'naive_sql':>9} {'pgsearch':>9} {'act/flr':>7} {'cold/flr':>8} "
                f"{'pgs/act':>7} {'sql/act':>7}")
    for name, r in results.items():
        naive_columns = (f"{r['naive_sql']['median_ms']:>8.1f}m {r['naive_pgsearch']['median_ms']:>8.1f}m "
                         if naive else f"{'-':>9} {'-':>9} ")
        naive_ratios = (f"{r['naive_pgsearch_over_action']:>7.1f} {r['naive_sql_over_action']:>7.1f}"
                        if naive else f"{'-':>7} {'-':>7}")
        report.line(f"{name:18} {r['count']:>6} {r['action']['median_ms']:>7.1f}m {r['action']['p95_ms']:>6.1f}m "
                    f"{r['action_cold']['median_ms']:>7.1f}m {r['floor']['median_ms']:>7.1f}m "
                    f"{naive_columns}{r['ratio_action_to_floor']:>7.2f} {r['ratio_cold_action_to_floor']:>8.2f} "
                    f"{naive_ratios}")
    figures = {"datasets": size, "rebuild": rebuild, "bulk_load": bulk, "shapes": results, "solr": None,
               "load_average": [round(x, 2) for x in os.getloadavg()]}
    if solr_url:
        solr = measure_solr(report, size, repeat, solr_url, quick, results)
        for name, r in results.items():
            on_solr = solr["shapes"][name]
            r.update({"count_solr": on_solr["count"], "solr": on_solr["action"],
                      "solr_direct": on_solr["direct"],
                      "ratio_action_to_solr": round(r["action"]["median_ms"] / on_solr["action"]["median_ms"], 2),
                      "ratio_cold_action_to_solr": round(
                          r["action_cold"]["median_ms"] / on_solr["action"]["median_ms"], 2)})
        figures["solr"] = {key: value for key, value in solr.items() if key != "shapes"}
        report.line(f"\nOn Solr ({solr_url}), the same requests through package_search; "
                    f"emb/solr > 1: Solr is faster")
        report.line(f"{'shape':18} {'hits':>6} {'solr':>6} {'embedded':>8} {'cold':>8} {'solr':>8} "
                    f"{'p95':>7} {'direct':>8} {'emb/solr':>8} {'cold/solr':>9}")
        for name, r in results.items():
            report.line(f"{name:18} {r['count']:>6} {r['count_solr']:>6} {r['action']['median_ms']:>7.1f}m "
                        f"{r['action_cold']['median_ms']:>7.1f}m {r['solr']['median_ms']:>7.1f}m "
                        f"{r['solr']['p95_ms']:>6.1f}m {r['solr_direct']['median_ms']:>7.1f}m "
                        f"{r['ratio_action_to_solr']:>8.2f} {r['ratio_cold_action_to_solr']:>9.2f}")
    return figures


def check_same_answer(name: str, action: dict, sql_count: int, pipeline: dict) -> None:
    """The baselines are only baselines if they find what the action finds."""
    if sql_count != action["count"] or pipeline["count"] != action["count"]:
        raise SystemExit(f"{name}: the action finds {action['count']} datasets, naive_sql "
                         f"{sql_count}, naive_pgsearch {pipeline['count']}")
    if len(pipeline["results"]) != len(action["results"]):
        raise SystemExit(f"{name}: page of {len(action['results'])} datasets, naive_pgsearch "
                         f"{len(pipeline['results'])}")
    for field, facet in action["search_facets"].items():
        naive = pipeline["facets"][field]
        for item in facet["items"]:
            if item["name"] in naive and naive[item["name"]] != item["count"]:
                raise SystemExit(f"{name}: facet {field}={item['name']}: action {item['count']}, "
                                 f"naive_pgsearch {naive[item['name']]}")
        if facet["items"] and not any(item["name"] in naive for item in facet["items"]):
            raise SystemExit(f"{name}: facet {field} differs entirely from naive_pgsearch's")


def _indexed_count(engine) -> int:
    with engine.connect() as connection:
        if not connection.execute(sa.text("SELECT to_regclass('ogpcatalog_search_index') IS NOT NULL")).scalar():
            return 0
        return connection.execute(sa.text("SELECT count(*) FROM ogpcatalog_search_index")).scalar()


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="comma-separated portal sizes (default 20000,100000; quick 1000)")
    parser.add_argument("--repeat", type=int, help="timed runs per measurement")
    parser.add_argument("--rebuild", action="store_true", help="always time a full rebuild")
    parser.add_argument("--rebuild-sizes", default="",
                        help="comma-separated portal sizes whose full rebuild is timed (with --rebuild: all)")
    parser.add_argument("--no-solr", action="store_true", help="leave Solr out (the embedded backend only)")
    parser.add_argument("--naive-max-size", type=int, default=20000,
                        help="largest portal size at which the naive baselines run (each of their "
                             "runs scans the whole catalogue: minutes per shape at 100,000)")
    parser.add_argument("--documents-from", help="a smaller benchmark portal's database whose stored "
                        "package_show dicts may serve the bulk indexing (verified on a sample)")
    parser.add_argument("--solr-url", help="a running Solr core with the portal's configset "
                                           "(default: the project's node on SOLR_PORT, started if needed)")
    args = parser.parse_args()
    report = common.Report(args.json)
    sizes = [int(s) for s in (args.sizes or ("1000" if args.quick else "20000,100000")).split(",")]
    repeat = args.repeat or (5 if args.quick else 15)
    figures = {"benchmark": "search", "quick": args.quick, "repeat": repeat, "sizes": []}
    with contextlib.ExitStack() as stack:
        solr_url = None if args.no_solr else args.solr_url
        if not args.no_solr and not solr_url:
            if solr_built():
                solr_url = stack.enter_context(solr_node(report))
            elif args.quick:
                report.line("Solr is not built (make test-setup needs Java 17 and Maven): "
                            "the embedded backend only")
            else:
                raise SystemExit("Solr is not built: run `make test-setup` (Java 17 and Maven), "
                                 "or pass --no-solr")
        if len(sizes) > 1:
            # One process and one database per portal size: each is generated and indexed once.
            for number, size in enumerate(sorted(sizes)):
                rebuild = args.rebuild or str(size) in args.rebuild_sizes.split(",")
                # A larger portal starts with the smaller one's datasets: their stored dicts serve.
                documents_from = args.documents_from or (
                    f"ckan_ogp_bench_{sorted(sizes)[number - 1]}" if number else None)
                command = [sys.executable, __file__, "--json", "--sizes", str(size), "--repeat", str(repeat),
                           "--ini", args.ini, "--naive-max-size", str(args.naive_max_size)] + (
                           ["--documents-from", documents_from] if documents_from else []) + (["--rebuild"] if rebuild else []) + (
                           ["--solr-url", solr_url] if solr_url else ["--no-solr"])
                child = subprocess.run(command, stdout=subprocess.PIPE, text=True)
                if child.returncode != 0:
                    report.line(f"the {size}-dataset run failed")
                    return child.returncode
                figures["sizes"].extend(json.loads(child.stdout)["sizes"])
        else:
            size = sizes[0]
            database = "ckan_ogp_bench_quick" if args.quick else f"ckan_ogp_bench_{size}"
            app = common.start_ckan(args.ini, database, "ogpcatalog_search")
            flask_app = app._wsgi_app if hasattr(app, "_wsgi_app") else app.apps["flask_app"]._wsgi_app
            with flask_app.test_request_context():
                report.line(f"\n== {size} datasets ==")
                figures["sizes"].append(measure_size(report, size, repeat, args.ini, solr_url, args.quick,
                                                     naive=size <= args.naive_max_size,
                                                     documents_from=args.documents_from))
    all_shapes = [r for s in figures["sizes"] for r in s["shapes"].values()]
    worst = max(r["ratio_action_to_floor"] for r in all_shapes)
    with_naive = [r for r in all_shapes if "naive_pgsearch_over_action" in r] or [
        {"naive_pgsearch_over_action": None, "naive_sql_over_action": None}]
    least = min((r["naive_pgsearch_over_action"] for r in with_naive), key=lambda x: x or 0)
    least_sql = min((r["naive_sql_over_action"] for r in with_naive), key=lambda x: x or 0)
    figures["targets"] = {"max_ratio_action_to_floor": worst, "min_naive_pgsearch_over_action": least,
                          "min_naive_sql_over_action": least_sql,
                          "ratio_target_met": worst <= 2, "naive_target_met": least is not None and least >= 20,
                          "naive_target_judged_against": "naive_pgsearch"}
    naive_line = (f"least naive_pgsearch/action speed-up: {least}x (target >= 20x); "
                  f"least naive_sql/action: {least_sql}x (for reference)" if least is not None
                  else "naive baselines not run at these sizes")
    report.line(f"\nWorst action/floor ratio: {worst} (target <= 2); {naive_line}")
    on_solr = [r for r in all_shapes if "ratio_action_to_solr" in r]
    if on_solr:
        largest = max(s["datasets"] for s in figures["sizes"] if s["solr"])
        at_largest = [r for s in figures["sizes"] if s["datasets"] == largest and s["solr"]
                      for r in s["shapes"].values()]
        worst_solr = max(r["ratio_action_to_solr"] for r in at_largest)
        figures["targets"].update({"max_ratio_action_to_solr": worst_solr,
                                   "ratio_action_to_solr_judged_at": largest,
                                   "solr_target_met": worst_solr <= 1.0})
        report.line(f"Worst embedded/Solr ratio at {largest} datasets: {worst_solr} "
                    f"(target <= 1.0 at 100,000)")
    report.finish(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
