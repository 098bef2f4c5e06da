"""Benchmark of the PostgreSQL search backend (``ogpcatalog_search``).

For portals of 20,000 and 100,000 generated datasets (``--quick``: 1,000) it reports, per
query shape, the median and p95 latency of ``package_search`` through the CKAN action,
against two baselines timed in the same run on the same database:

* the *floor*: the very SQL statements the backend issues for that query (count, facets,
  page), executed directly on a raw connection, uncached;
* the *naive* shape: an unindexed search over CKAN's own tables (text match computed on the
  fly with ILIKE/to_tsvector, facets by GROUP BY over joins), the approach of GSA's
  ckanext-pgsearch, without its per-result package_show (which would only make it slower).

The action is timed twice: in the steady state (counts and facets reused while the index is
unchanged, see ``search/cache.py``) and cold (that cache switched off). It also reports the
full rebuild (``ckan search-index rebuild``) in datasets per second.

Targets (issue 2): action/floor <= 2 for every shape; naive/action >= 20.
"""
from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402

import common  # noqa: E402
import portal_data  # noqa: E402

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


# -- the naive shape -----------------------------------------------------------------------

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


def naive_sql(shape: dict) -> tuple[str, dict]:
    params: dict = {}
    where = ["p.state = 'active'", "p.type = 'dataset'", "p.private = false"]
    q = shape.get("q") or ""
    if q:
        params["q"] = q
        params["like"] = f"%{q}%"
        where.append("(to_tsvector('simple', concat_ws(' ', p.name, p.title, p.notes)) "
                     "@@ plainto_tsquery('simple', %(q)s) OR p.name ILIKE %(like)s "
                     "OR p.title ILIKE %(like)s OR p.notes ILIKE %(like)s)")
    fq = shape.get("fq") or ""
    for part in fq.split():
        field, _, value = part.partition(":")
        value = value.strip('"')
        key = f"fq_{field}"
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
    order = "p.metadata_modified DESC" if shape.get("sort") else (
        "ts_rank_cd(to_tsvector('simple', concat_ws(' ', p.name, p.title, p.notes)), "
        "plainto_tsquery('simple', %(q)s)) DESC, p.metadata_modified DESC" if q else "p.metadata_modified DESC")
    base = f"SELECT p.* FROM package p WHERE {' AND '.join(where)}"
    facets = " UNION ALL ".join(f"(SELECT '{name}' AS facet, v, count FROM ({sql}) f(v, count) "
                                f"ORDER BY count DESC LIMIT 50)" for name, sql in NAIVE_FACETS.items())
    statement = (f"WITH m AS ({base}) SELECT 'count', NULL, count(*) FROM m UNION ALL {facets}; "
                 f"{base.replace('SELECT p.*', 'SELECT p.id')} ORDER BY {order} LIMIT 20 OFFSET {int(shape.get('start', 0))}")
    return statement, params


def run_naive(raw_connection, statement_and_params) -> None:
    statement, params = statement_and_params
    with raw_connection.cursor() as cursor:
        for part in statement.split("; "):
            cursor.execute(part, params)
            cursor.fetchall()
    raw_connection.rollback()


# -- main ----------------------------------------------------------------------------------

def measure_size(report, size: int, repeat: int, ini: str) -> dict:
    import ckan.lib.search as search
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckan.common import config
    from ckanext.ogpcatalog.search.cache import facet_cache

    engine = model.meta.engine
    added = portal_data.load(engine, size, progress=lambda done: report.progress(
        f"Generating {size} datasets", done, size - (portal_data.existing_count(engine) - done)))
    report.line(f"Portal: {size} datasets ({added} added this run)")

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
    results = {}
    for name, shape in shapes(size).items():
        request = action_request(shape)
        with StatementRecorder() as recorder:
            first = package_search(dict(context), dict(request))
        statements = floor_statements(*recorder.requests[-1])
        facet_cache.clear()
        search_once = functools.partial(lambda r: package_search(dict(context), dict(r)), request)
        action = common.summary(common.timings(search_once, repeat))
        config["ckanext.ogpcatalog.search.facet_cache_size"] = 0
        action_cold = common.summary(common.timings(search_once, repeat))
        config["ckanext.ogpcatalog.search.facet_cache_size"] = 512
        floor = common.summary(common.timings(functools.partial(run_raw, raw, statements), repeat))
        naive = common.summary(common.timings(functools.partial(run_naive, raw, naive_sql(shape)),
                                              max(3, repeat // 3)))
        results[name] = {
            "count": first["count"],
            "action": action, "action_cold": action_cold, "floor": floor, "naive": naive,
            "ratio_action_to_floor": round(action["median_ms"] / floor["median_ms"], 2),
            "ratio_cold_action_to_floor": round(action_cold["median_ms"] / floor["median_ms"], 2),
            "naive_over_action": round(naive["median_ms"] / action["median_ms"], 1),
            "naive_over_cold_action": round(naive["median_ms"] / action_cold["median_ms"], 1),
        }
    raw.close()
    report.line(f"\n{'shape':20} {'hits':>7} {'action':>9} {'p95':>8} {'cold':>9} {'floor':>9} "
                f"{'naive':>10} {'act/floor':>9} {'cold/floor':>10} {'naive/act':>9}")
    for name, r in results.items():
        report.line(f"{name:20} {r['count']:>7} {r['action']['median_ms']:>8.1f}m {r['action']['p95_ms']:>7.1f}m "
                    f"{r['action_cold']['median_ms']:>8.1f}m {r['floor']['median_ms']:>8.1f}m "
                    f"{r['naive']['median_ms']:>9.1f}m {r['ratio_action_to_floor']:>9.2f} "
                    f"{r['ratio_cold_action_to_floor']:>10.2f} {r['naive_over_action']:>9.1f}")
    return {"datasets": size, "rebuild": rebuild, "shapes": results}


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
    args = parser.parse_args()
    report = common.Report(args.json)
    sizes = [int(s) for s in (args.sizes or ("1000" if args.quick else "20000,100000")).split(",")]
    repeat = args.repeat or (5 if args.quick else 15)
    figures = {"benchmark": "search", "quick": args.quick, "repeat": repeat, "sizes": []}
    if len(sizes) > 1:
        # One process and one database per portal size: each is generated and indexed once.
        for size in sorted(sizes):
            command = [sys.executable, __file__, "--json", "--sizes", str(size), "--repeat", str(repeat),
                       "--ini", args.ini] + (["--rebuild"] if args.rebuild else [])
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
            figures["sizes"].append(measure_size(report, size, repeat, args.ini))
    worst = max(r["ratio_action_to_floor"] for s in figures["sizes"] for r in s["shapes"].values())
    least = min(r["naive_over_action"] for s in figures["sizes"] for r in s["shapes"].values())
    figures["targets"] = {"max_ratio_action_to_floor": worst, "min_naive_over_action": least,
                          "ratio_target_met": worst <= 2, "naive_target_met": least >= 20}
    report.line(f"\nWorst action/floor ratio: {worst} (target <= 2); "
                f"least naive/action speed-up: {least}x (target >= 20x)")
    report.finish(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
