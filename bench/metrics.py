"""Benchmark of the publisher metrics (issue 6): indicators, coverage matrix, dashboard.

On a generated portal of 500 institutions and 50,000 datasets (``--quick``: 50 and 2,000),
all in the same run, on the same database:

* **action**: the full set of indicators and the coverage matrix through the metrics
  actions (portal summary, every institution's row, coverage by dataset type and by theme,
  compliance ranking), each with the incremental refresh of the dataset facts it does before
  reading them: in the steady state (the stale marks are none; the full comparison of every
  dataset's stamp runs when ``facts_check_seconds``, default 60, has passed in the process),
  and right after 1% of the datasets changed through CKAN (new stamps and stale marks: the
  first action recomputes their facts); the refresh alone is timed too, and the full
  comparison on its own;
* **naive**: what a CKAN report extension does: one ``package_search`` per institution and
  dataset type (paging through the results), counting datasets, private ones, themes,
  resources, open formats and overdue datasets in Python;
* **floor**: the SQL statements the actions issued in (a) (the facts check and the
  aggregates), recorded and replayed directly on a raw connection (no CKAN, no Python work
  on the rows);
* **pages**: the dashboard ``/publishers`` against CKAN's ``/dataset`` search page, through
  the Flask test client; the dashboard both cold (``dashboard_cache_seconds = 0``: every
  answer computed) and in the steady state (portal-wide answers reused).

Targets: naive/action >= 20; action/floor <= 2; dashboard/``/dataset`` <= 2.

The database is ``CKAN_SQLALCHEMY_URL`` when it is set (it must exist), else
``ckan_ogp_bench_metrics`` (quick: ``ckan_ogp_bench_metrics_quick``), created if missing.
Rows go straight into CKAN's tables with COPY (``group``, ``member``, ``package``, ``tag``,
``package_tag``, ``resource``), one transaction per batch; the search index is then rebuilt
with the backend's parallel rebuild; every resource gets a link-check result; the dataset
facts are built once in full (timed: ``facts_rebuild_ms``). Institution ``i`` and dataset ``i`` are always the same,
so a run extends a smaller portal of the same number of institutions.
"""
from __future__ import annotations

import datetime
import functools
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402

import common  # noqa: E402
from portal_data import _copy  # noqa: E402  (the benchmarks' bulk COPY)

NAMESPACE = uuid.UUID("0b6f3e1c-6a55-4c1e-9a0f-5d7a2b9e4c31")
TODAY = datetime.datetime(2026, 11, 1)  # fixed: generated dates do not drift between runs
INSTITUTION_TYPES = ["ministry"] * 3 + ["agency"] * 4 + ["municipality"] * 6 + [
    "regional-government", "state-company", "control-body", "judiciary", "academia"]
SECTORS = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]
LEVELS = {"municipality": "local", "regional-government": "regional"}
THEMES = ["AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI",
          "SOCI", "TECH", "TRAN"]
FREQUENCIES = ["MONTHLY", "MONTHLY", "QUARTERLY", "ANNUAL", "ANNUAL", "WEEKLY", "IRREG", "", ""]
FORMATS = ["CSV", "CSV", "csv ", "JSON", "XLSX", "PDF", "XML", "ZIP", "GeoJSON", "ODS", "DOCX", ""]
LICENSES = ["cc-by", "cc-by", "cc-by-sa", "cc-zero", "odc-odbl", "other-open", "notspecified", ""]
TAGS = ["presupuesto", "salud", "educación", "compras", "transparencia", "ambiente", "agua",
        "energía", "transporte", "empleo", "estadísticas", "indicadores", "estructura-organica",
        "remuneraciones", "contratos", "obligation-lotaip-19-a", "obligation-presupuesto"]
OBLIGATIONS = [
    {"code": "lotaip-19-a", "title": {"es": "Estructura orgánica", "en": "Organisational structure"},
     "frequency": "MONTHLY", "applies_to": {"institution_type": ["ministry", "agency"]},
     "match": {"tags": ["estructura-organica"]}},
    {"code": "presupuesto", "title": {"es": "Presupuesto anual", "en": "Annual budget"},
     "frequency": "ANNUAL", "applies_to": {"institution_type": ["ministry", "municipality"]},
     "match": {"tags": ["presupuesto"]}},
    {"code": "remuneraciones", "title": {"es": "Remuneraciones", "en": "Salaries"},
     "frequency": "MONTHLY", "applies_to": {"government_level": ["national"]},
     "match": {"tags": ["remuneraciones"]}},
    {"code": "contratacion", "title": {"es": "Contratación pública", "en": "Public procurement"},
     "frequency": "QUARTERLY", "applies_to": {"institution_type": ["ministry", "agency", "state-company"]},
     "match": {"dataset_type": "procurement"}},
    {"code": "salud", "title": {"es": "Estadísticas de salud", "en": "Health statistics"},
     "frequency": "ANNUAL", "applies_to": {"sector": ["07"]}, "match": {"theme": ["HEAL"]}},
]
DATASET_TYPES = ("dataset", "procurement", "commitment")
OPEN_FORMATS = {"CSV", "JSON", "XML", "GEOJSON", "ODS"}
FREQUENCY_DAYS = {"WEEKLY": 7, "MONTHLY": 30, "QUARTERLY": 91, "ANNUAL": 365}


def stable_id(kind: str, key: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}-{key}"))


# -- the generated portal --------------------------------------------------------------------

def institution(i: int) -> dict[str, Any]:
    rng = random.Random(f"inst-{i}")
    kind = rng.choice(INSTITUTION_TYPES)
    return {"id": stable_id("org", i), "name": f"inst-{i:04d}", "title": f"Institución {i:04d}",
            "extras": {"institution_type": kind, "sector": rng.choice(SECTORS),
                       "government_level": LEVELS.get(kind, "national"),
                       "title_translated": json.dumps({"es": f"Institución {i:04d}",
                                                       "en": f"Institution {i:04d}"})},
            "harvests": rng.random() < 0.1}


def _owner(rng: random.Random, institutions: int) -> int:
    """A skewed choice (a few institutions publish most); the last tenth publishes nothing."""
    publishing = max(1, institutions - institutions // 10)
    return min(publishing - 1, int(publishing * rng.random() ** 2.2))


def dataset(i: int, institutions: int) -> dict[str, Any]:
    rng = random.Random(f"ds-{i}")
    owner = _owner(rng, institutions)
    kind = rng.choices(DATASET_TYPES, weights=(75, 15, 10))[0]
    created = TODAY - datetime.timedelta(days=rng.randint(0, 6 * 365), minutes=rng.randint(0, 1440))
    modified = min(TODAY, created + datetime.timedelta(days=rng.randint(0, 900)))
    extras: dict[str, str] = {
        "title_translated": json.dumps({"es": f"Conjunto {i}", "en": f"Dataset {i}"}),
    }
    if rng.random() < 0.8:
        extras["theme"] = json.dumps(sorted(set(rng.sample(THEMES, rng.randint(1, 2)))))
    frequency = rng.choice(FREQUENCIES)
    if frequency:
        extras["frequency"] = frequency
    if rng.random() < 0.5:
        extras["modified"] = (modified - datetime.timedelta(days=rng.randint(0, 60))).date().isoformat()
    if rng.random() < 0.3:
        extras["spatial_coverage"] = json.dumps([{"text": "Ecuador"}])
    if rng.random() < 0.3:
        extras["temporal_coverage"] = json.dumps([{"start": "2020-01-01", "end": "2024-12-31"}])
    if rng.random() < 0.4:
        extras["contact"] = json.dumps([{"name": "Datos", "email": "datos@example.gob"}])
    if rng.random() < 0.4:
        extras["access_rights"] = "public"
    org = institution(owner)
    if org["harvests"] and rng.random() < 0.7:
        extras["harvest_source_id"] = stable_id("source", owner)
        extras["harvest_object_id"] = stable_id("hobject", i)
    state = "deleted" if rng.random() < 0.01 else "active"
    return {
        "id": stable_id("dataset", i), "name": f"pub-{i:06d}", "title": f"Conjunto {i}",
        "notes": "Datos publicados por la institución." if rng.random() < 0.8 else "",
        "license_id": rng.choice(LICENSES), "owner_org": org["id"], "type": kind,
        "private": rng.random() < 0.05, "state": state, "created": created, "modified": modified,
        "extras": extras, "tags": sorted(set(rng.sample(TAGS, rng.randint(0, 4)))),
        "resources": [rng.choice(FORMATS) for _ in range(rng.choices((0, 1, 2, 3), (8, 50, 30, 12))[0])],
    }


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


def _count(engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(sql)).scalar() or 0)


def load(engine, institutions: int, size: int, report: common.Report) -> int:
    """Make the database hold the generated portal; returns the datasets added."""
    have_orgs = _count(engine, "SELECT count(*) FROM \"group\" WHERE name LIKE 'inst-%'")
    if have_orgs not in (0, institutions):
        raise SystemExit(f"the database holds {have_orgs} generated institutions, not {institutions}: "
                         "use another database (CKAN_SQLALCHEMY_URL) or drop it")
    have = _count(engine, "SELECT count(*) FROM package WHERE name LIKE 'pub-%'")
    if have > size:
        raise SystemExit(f"the database holds {have} generated datasets, more than {size}: "
                         "use another database (CKAN_SQLALCHEMY_URL) or drop it")
    tag_names = sorted(TAGS)
    if not have_orgs:
        with engine.begin() as connection:
            orgs = [institution(i) for i in range(institutions)]
            _copy(connection, '"group"', ["id", "name", "title", "state", "type", "is_organization",
                                          "approval_status", "created", "extras"],
                  [(o["id"], o["name"], o["title"], "active", "organization", True, "approved",
                    datetime.datetime(2015, 1, 1), _json(o["extras"])) for o in orgs])
            existing = {row[0] for row in connection.execute(sa.text("SELECT name FROM tag"))}
            _copy(connection, "tag", ["id", "name"],
                  [(stable_id("tag", t), t) for t in tag_names if t not in existing])
    with engine.connect() as connection:
        tag_ids = dict(connection.execute(sa.text("SELECT name, id FROM tag WHERE name = ANY(:n)"),
                                          {"n": tag_names}).fetchall())
    batch = 5000
    for start in range(have, size, batch):
        stop = min(size, start + batch)
        rows = [dataset(i, institutions) for i in range(start, stop)]
        with engine.begin() as connection:  # one transaction per batch: never half a batch
            _copy(connection, "package", ["id", "name", "title", "notes", "license_id", "owner_org",
                                          "private", "state", "type", "metadata_created",
                                          "metadata_modified", "extras", "plugin_data"],
                  [(d["id"], d["name"], d["title"], d["notes"], d["license_id"] or None, d["owner_org"],
                    d["private"], d["state"], d["type"], d["created"], d["modified"], _json(d["extras"]), "{}")
                   for d in rows])
            _copy(connection, "package_tag", ["id", "state", "package_id", "tag_id"],
                  [(stable_id("pt", f"{d['id']}-{t}"), "active", d["id"], tag_ids[t])
                   for d in rows for t in d["tags"]])
            _copy(connection, "member", ["id", "group_id", "table_id", "state", "table_name", "capacity"],
                  [(stable_id("orgmember", d["id"]), d["owner_org"], d["id"], "active", "package",
                    "organization") for d in rows])
            _copy(connection, "resource", ["id", "package_id", "url", "format", "name", "position",
                                           "state", "url_type", "extras", "created", "metadata_modified"],
                  [(stable_id("resource", f"{d['id']}-{n}"), d["id"],
                    f"https://datos.example.gob/{d['name']}/recurso-{n}", fmt, f"Recurso {n + 1}", n,
                    "active", "", json.dumps({"mimetype": "text/csv"} if fmt.strip().upper() == "CSV" else {}),
                    d["created"], d["modified"])
                   for d in rows for n, fmt in enumerate(d["resources"])])
        report.progress("Generating datasets", stop - have, size - have)
    return size - have


def ensure_obligations(context: dict[str, Any]) -> None:
    import ckan.plugins.toolkit as tk
    existing = {o["code"] for o in tk.get_action("ogpcatalog_obligation_list")(dict(context), {"limit": 1000})["results"]}
    for obligation in OBLIGATIONS:
        if obligation["code"] not in existing:
            tk.get_action("ogpcatalog_obligation_create")(dict(context), dict(obligation))


# -- (a) the actions -----------------------------------------------------------------------

def run_actions(context: dict[str, Any]) -> dict[str, Any]:
    """The full set of indicators and the coverage matrix, as the dashboard's exports ask."""
    import ckan.plugins.toolkit as tk

    def action(name: str, **data):
        return tk.get_action(name)(dict(context), data)

    summary = action("ogpcatalog_metrics_summary_show")
    rows: list[dict] = []
    while True:
        page = action("ogpcatalog_institution_metrics_list", limit=1000, offset=len(rows))
        rows.extend(page["results"])
        if not page["results"] or len(rows) >= page["count"]:
            break
    by_type = action("ogpcatalog_coverage_matrix_show", by="dataset_type", limit=1000)
    by_theme = action("ogpcatalog_coverage_matrix_show", by="theme", limit=1000)
    ranking = action("ogpcatalog_compliance_list", limit=1000)
    return {"summary": summary, "institutions": rows, "by_type": by_type, "by_theme": by_theme,
            "ranking": ranking}


class StatementRecorder:
    """Records every SQL statement (with its parameters) the engine runs inside the block."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[tuple[str, Any]] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)


def metrics_statements(statements: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The aggregates among the recorded statements, with the session settings the actions
    give them (``SET LOCAL jit = off`` ...): reads of the metrics, not CKAN's own
    bookkeeping (user and auth look-ups, config, sessions)."""
    kept = []
    for statement, parameters in statements:
        text = statement.lstrip().upper()
        if text.startswith(("SET ", "RESET ")):
            kept.append((statement, parameters))
            continue
        if not text.startswith(("SELECT", "WITH")):
            continue
        if "OGPCATALOG_DATASET_FACTS" in text or (
                ("GROUP BY" in text or "COUNT(" in text or "WITH " in text[:6])
                and "FROM \"USER\"" not in text):
            kept.append((statement, parameters))
    return kept


def run_raw(raw_connection, statements: list[tuple[str, Any]]) -> None:
    with raw_connection.cursor() as cursor:
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
    raw_connection.rollback()


def add_link_checks(engine) -> int:
    """Link-check results for every generated resource (as after a link-check run: one in ten
    unreachable), so the indicators join real results. Returns the resources checked."""
    with engine.begin() as connection:
        connection.execute(sa.text("""
INSERT INTO ogpcatalog_link_check (resource_id, field, url, ok, status_code, checked_at)
SELECT r.id, 'url', r.url, abs(hashtext(r.id)) % 10 <> 0,
       CASE WHEN abs(hashtext(r.id)) % 10 <> 0 THEN 200 ELSE 404 END, :at
FROM resource r JOIN package p ON p.id = r.package_id
WHERE p.name LIKE 'pub-%' AND r.state = 'active' AND coalesce(r.url, '') <> ''
ON CONFLICT DO NOTHING"""), {"at": TODAY})
        return int(connection.execute(sa.text(
            "SELECT count(*) FROM ogpcatalog_link_check")).scalar())


def touch_datasets(engine, count: int, round_: int) -> None:
    """What ``count`` dataset writes through CKAN leave behind: a new ``metadata_modified``
    (CKAN sets it on every write to a dataset, its resources or tags) and the plugin's stale
    mark (its dataset hooks), in one transaction. A different sample each round."""
    with engine.begin() as connection:
        connection.execute(sa.text("""
WITH touched AS (
  UPDATE package SET metadata_modified = metadata_modified + interval '1 second'
  WHERE id IN (SELECT id FROM package WHERE name LIKE 'pub-%' AND state = 'active'
               ORDER BY md5(id || :round) LIMIT :count)
  RETURNING id)
INSERT INTO ogpcatalog_dataset_facts_stale (package_id, marked)
SELECT id, now() AT TIME ZONE 'UTC' FROM touched ON CONFLICT DO NOTHING"""),
                           {"round": str(round_), "count": count})


# -- (b) the naive report ------------------------------------------------------------------

def run_naive(context: dict[str, Any], institution_ids: list[str]) -> dict[str, Any]:
    """One package_search per institution and dataset type, paging, counting in Python."""
    import ckan.plugins.toolkit as tk
    search = tk.get_action("package_search")
    now = datetime.datetime.utcnow()
    per_institution: dict[str, dict[str, Any]] = {}
    by_theme: dict[tuple[str, str], int] = {}
    for org_id in institution_ids:
        figures = {"datasets": 0, "private": 0, "resources": 0, "open": 0, "overdue": 0,
                   "by_type": {}}
        for kind in DATASET_TYPES:
            start = 0
            while True:
                result = search(dict(context), {
                    "fq": f'owner_org:"{org_id}" +dataset_type:{kind}', "rows": 1000, "start": start,
                    "include_private": True})
                for pkg in result["results"]:
                    figures["datasets"] += 1
                    figures["by_type"][kind] = figures["by_type"].get(kind, 0) + 1
                    if pkg.get("private"):
                        figures["private"] += 1
                        continue
                    for resource in pkg.get("resources") or []:
                        figures["resources"] += 1
                        if (resource.get("format") or "").strip().upper() in OPEN_FORMATS:
                            figures["open"] += 1
                    themes = pkg.get("theme") or []
                    if isinstance(themes, str):
                        themes = json.loads(themes) if themes.startswith("[") else [themes]
                    for theme in themes:
                        by_theme[(org_id, theme)] = by_theme.get((org_id, theme), 0) + 1
                    days = FREQUENCY_DAYS.get(pkg.get("frequency") or "")
                    if days:
                        changed = (pkg.get("modified") or pkg.get("metadata_modified") or "")[:10]
                        try:
                            last = datetime.datetime.fromisoformat(changed)
                        except ValueError:
                            continue
                        if now > last + datetime.timedelta(days=days * 1.2):
                            figures["overdue"] += 1
                start += len(result["results"])
                if not result["results"] or start >= result["count"]:
                    break
        per_institution[org_id] = figures
    return {"institutions": per_institution, "by_theme": by_theme}


# -- (d) the pages -------------------------------------------------------------------------

def page_timer(client, url: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
    return get


# -- main ------------------------------------------------------------------------------------

def _database(quick: bool) -> str:
    url = os.environ.get("CKAN_SQLALCHEMY_URL")
    if url:
        return url
    return common.database_url("ckan_ogp_bench_metrics_quick" if quick else "ckan_ogp_bench_metrics")


def start_ckan(ini: str, url: str):
    os.environ["CKAN_SQLALCHEMY_URL"] = url
    os.environ.setdefault("CKAN_REDIS_URL", f"redis://127.0.0.1:{os.environ.get('REDIS_PORT', '56379')}/2")
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    config = load_config(ini)
    config["ckanext.ogpcatalog.metrics.public_dashboard"] = "true"  # pages timed anonymously
    app = make_app(config)
    import ckan.model as model
    from ckan.cli.db import _run_migrations
    import ckan.plugins as p
    model.repo.init_db()
    for plugin in ("activity", "harvest", "ogpcatalog"):
        if p.plugin_loaded(plugin):
            _run_migrations(plugin)
    return app


def _indexed_count(engine) -> int:
    with engine.connect() as connection:
        if not connection.execute(sa.text("SELECT to_regclass('ogpcatalog_search_index') IS NOT NULL")).scalar():
            return 0
        return connection.execute(sa.text("SELECT count(*) FROM ogpcatalog_search_index")).scalar()


def measure(report: common.Report, app, institutions: int, size: int, repeat: int) -> dict[str, Any]:
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from flask import current_app

    engine = model.meta.engine
    started = time.perf_counter()
    added = load(engine, institutions, size, report)
    report.line(f"Portal: {institutions} institutions, {size} datasets "
                f"({added} added in {time.perf_counter() - started:.1f} s)")
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"user": site_user, "ignore_auth": True}
    ensure_obligations(context)

    from ckanext.ogpcatalog.search.rebuild import dataset_ids, rebuild_index
    if _indexed_count(engine) != len(dataset_ids()) or "--rebuild" in sys.argv:
        report.line("Search index: rebuilding (2 workers)")
        rebuild_index(current_app._get_current_object(), workers=2,
                      progress=lambda done, total: report.progress("  indexing", done, total))
    model.Session.remove()
    with engine.connect() as connection:  # what autovacuum does after a bulk load
        connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in ("package", "resource", "package_tag", "member", '"group"', "ogpcatalog_search_index"):
            connection.execute(sa.text(f"VACUUM ANALYZE {table}"))
    checked = add_link_checks(engine)
    report.line(f"Link-check results: {checked} resources")

    # The dataset facts: built once in full (`ckan ogpcatalog metrics facts-rebuild`), then
    # kept up to date by the actions themselves (their refresh check is part of every timing).
    from ckanext.ogpcatalog.metrics import facts
    started = time.perf_counter()
    built = facts.rebuild()
    facts_rebuild_ms = (time.perf_counter() - started) * 1000
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(sa.text("VACUUM ANALYZE ogpcatalog_dataset_facts"))
    report.line(f"Dataset facts: full rebuild of {built['updated']} datasets in "
                f"{facts_rebuild_ms / 1000:.1f} s")
    tk.get_action("ogpcatalog_metrics_snapshot_create")(dict(context), {})
    model.Session.commit()

    # (a) actions, with the statements they issue recorded for (c)
    with StatementRecorder(engine) as recorder:
        result = run_actions(context)
    statements = metrics_statements(recorder.statements)
    action = common.summary(common.timings(functools.partial(run_actions, context), repeat))
    queries = sum(1 for text, _ in statements if not text.lstrip().upper().startswith(("SET ", "RESET ")))
    report.line(f"(a) actions: indicators of {len(result['institutions'])} institutions + coverage "
                f"matrices ({queries} SQL queries): median {action['median_ms']:.0f} ms")

    # (c) the floor: the same statements on a raw connection
    raw = engine.raw_connection()
    try:
        floor = common.summary(common.timings(functools.partial(run_raw, raw, statements), repeat))
    finally:
        raw.close()
    report.line(f"(c) floor: the same SQL run directly: median {floor['median_ms']:.0f} ms")

    # (a') the actions right after 1% of the datasets changed: the first action's refresh
    # recomputes their facts (the other actions find nothing to do)
    changed = max(1, size // 100)
    changed_samples = []
    for round_ in range(max(3, repeat // 2)):
        touch_datasets(engine, changed, round_)
        started = time.perf_counter()
        run_actions(context)
        changed_samples.append((time.perf_counter() - started) * 1000)
    action_changed = common.summary(changed_samples)
    report.line(f"(a') actions right after {changed} datasets changed (incremental refresh "
                f"included): median {action_changed['median_ms']:.0f} ms")
    refresh_samples = []
    for round_ in range(max(3, repeat // 2)):
        touch_datasets(engine, changed, 100 + round_)
        started = time.perf_counter()
        facts.refresh()
        refresh_samples.append((time.perf_counter() - started) * 1000)
    refresh_changed = common.summary(refresh_samples)
    refresh_check = common.summary(common.timings(facts.refresh, repeat))
    # the full comparison of every dataset's stamp (every facts_check_seconds, per process)
    from ckan.common import config
    check_seconds = config.get(facts.CHECK_SECONDS)
    config[facts.CHECK_SECONDS] = 0
    try:
        refresh_full_check = common.summary(common.timings(facts.refresh, repeat))
    finally:
        config[facts.CHECK_SECONDS] = check_seconds
    report.line(f"    refresh alone: {refresh_changed['median_ms']:.0f} ms after {changed} changes, "
                f"{refresh_check['median_ms']:.0f} ms when nothing changed (the marks), "
                f"{refresh_full_check['median_ms']:.0f} ms for the full comparison "
                f"(at most every {config.get(facts.CHECK_SECONDS)} s per process)")

    # (b) naive: one package_search per institution and dataset type
    ids = [row["id"] for row in result["institutions"]]
    naive_runs = 1 if size > 10000 else 2
    naive = common.summary(common.timings(functools.partial(run_naive, context, ids), naive_runs, warmup=0))
    report.line(f"(b) naive: {len(ids) * len(DATASET_TYPES)} package_search calls: "
                f"median {naive['median_ms']:.0f} ms")
    naive_check = run_naive(context, ids[:5]) if size <= 10000 else None
    if naive_check:  # the naive report counts what the actions count (datasets per institution)
        by_id = {row["id"]: row for row in result["institutions"]}
        for org_id, figures in naive_check["institutions"].items():
            if figures["datasets"] != by_id[org_id]["datasets"]:
                report.line(f"  warning: naive count {figures['datasets']} != action "
                            f"{by_id[org_id]['datasets']} for {by_id[org_id]['name']}")

    # (d) pages: the dashboard against /dataset; the dashboard cold (every answer computed)
    # and in the steady state (portal-wide answers reused, dashboard_cache_seconds)
    client = app.test_client() if hasattr(app, "test_client") else current_app.test_client()
    page_repeat = max(3, repeat // 2)
    config["ckanext.ogpcatalog.metrics.dashboard_cache_seconds"] = 0
    dashboard_cold = common.summary(common.timings(page_timer(client, "/publishers/"), page_repeat))
    config["ckanext.ogpcatalog.metrics.dashboard_cache_seconds"] = 300
    dashboard = common.summary(common.timings(page_timer(client, "/publishers/"), page_repeat))
    dataset_page = common.summary(common.timings(page_timer(client, "/dataset/"), page_repeat))
    report.line(f"(d) pages: /publishers median {dashboard['median_ms']:.0f} ms "
                f"(cold: {dashboard_cold['median_ms']:.0f} ms), /dataset median {dataset_page['median_ms']:.0f} ms")

    figures = {
        "institutions": institutions, "datasets": size,
        "action": action, "floor": floor, "naive": naive,
        "changed_datasets": changed, "action_after_changes": action_changed,
        "refresh_after_changes": refresh_changed, "refresh_check": refresh_check,
        "refresh_full_check": refresh_full_check,
        "facts_check_seconds": config.get(facts.CHECK_SECONDS),
        "facts_rebuild_ms": round(facts_rebuild_ms, 1), "link_checked_resources": checked,
        "dashboard_page": dashboard, "dashboard_page_cold": dashboard_cold, "dataset_page": dataset_page,
        "statements": queries,
        "naive_over_action": round(naive["median_ms"] / action["median_ms"], 1),
        "naive_over_action_after_changes": round(naive["median_ms"] / action_changed["median_ms"], 1),
        "action_over_floor": round(action["median_ms"] / floor["median_ms"], 2),
        "dashboard_over_dataset_page": round(dashboard["median_ms"] / dataset_page["median_ms"], 2),
        "cold_dashboard_over_dataset_page": round(dashboard_cold["median_ms"] / dataset_page["median_ms"], 2),
    }
    figures["targets"] = {
        "naive_over_action_min": 20, "action_over_floor_max": 2, "dashboard_over_dataset_page_max": 2,
        "naive_target_met": figures["naive_over_action"] >= 20,
        "floor_target_met": figures["action_over_floor"] <= 2,
        "page_target_met": figures["dashboard_over_dataset_page"] <= 2,
    }
    report.line(f"\nnaive/action: {figures['naive_over_action']}x (target >= 20x; "
                f"{figures['naive_over_action_after_changes']}x right after {changed} changes); "
                f"action/floor: {figures['action_over_floor']}x (target <= 2x); "
                f"dashboard//dataset: {figures['dashboard_over_dataset_page']}x (target <= 2x; "
                f"cold {figures['cold_dashboard_over_dataset_page']}x)")
    return figures


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.set_defaults(ini=str(common.ROOT / "test.ini"))
    parser.add_argument("--institutions", type=int, help="default 500; quick 50")
    parser.add_argument("--datasets", type=int, help="default 50000; quick 2000")
    parser.add_argument("--repeat", type=int, help="timed runs per measurement (default 7; quick 3)")
    parser.add_argument("--rebuild", action="store_true", help="always rebuild the search index")
    args = parser.parse_args()
    report = common.Report(args.json)
    institutions = args.institutions or (50 if args.quick else 500)
    size = args.datasets or (2000 if args.quick else 50000)
    repeat = args.repeat or (3 if args.quick else 7)
    app = start_ckan(args.ini, _database(args.quick))
    flask_app = app._wsgi_app if hasattr(app, "_wsgi_app") else app.apps["flask_app"]._wsgi_app
    with flask_app.test_request_context():
        figures = {"benchmark": "metrics", "quick": args.quick, "repeat": repeat,
                   **measure(report, flask_app, institutions, size, repeat)}
    report.finish(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
