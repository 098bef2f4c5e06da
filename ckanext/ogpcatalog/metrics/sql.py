"""The SQL building blocks of every indicator: common table expressions over CKAN's tables.

Everything is set-based: one statement per answer, aggregating the datasets' facts (`df`: one
row per dataset in scope, with its freshness, format and quality figures) with GROUP BY /
FILTER. The per-dataset part of the facts is kept in ``ogpcatalog_dataset_facts``
(:func:`facts_select` computes it, :mod:`.facts` keeps it fresh, :mod:`.rollups` sums it per
institution); institution attributes and "now" are read here at aggregate time. Values of
scheming fields are read from ``package.extras`` (JSONB of strings) and ``group.extras``;
resource extras from ``resource.extras`` (JSON text).
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

import ckan.model as model

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.metrics.filters import Filters
from ckanext.ogpcatalog.metrics.model import FULFILMENT_TABLE, SHACL_TABLE

DIRECTORY = Path(__file__).resolve().parent

# data.europa.eu MQA weights (maximum points per dimension; see API.md)
DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability",
              "contextuality")
MAX_POINTS = {"findability": 100, "accessibility": 100, "interoperability": 110,
              "reusability": 75, "contextuality": 20}
MAX_SCORE = sum(MAX_POINTS.values())  # 405
RATINGS = ("excellent", "good", "sufficient", "bad")
OVERDUE_FACTOR = 1.2  # Argentina's rule: up to date while under period x 1.2


@functools.lru_cache(maxsize=None)
def formats() -> tuple[dict[str, Any], ...]:
    """The formats of ``formats.yaml``: ``{"code", "open", "machine_readable", "aliases"}``."""
    data = yaml.safe_load((DIRECTORY / "formats.yaml").read_text(encoding="utf-8"))
    return tuple({"code": str(f["code"]).upper(), "open": bool(f["open"]),
                  "machine_readable": bool(f["machine_readable"]),
                  "aliases": [str(a).upper() for a in f.get("aliases", [])]}
                 for f in data["formats"])


def format_params() -> dict[str, list]:
    alias, code, is_open, readable = [], [], [], []
    for entry in formats():
        for name in [entry["code"], *entry["aliases"]]:
            alias.append(name)
            code.append(entry["code"])
            is_open.append(entry["open"])
            readable.append(entry["machine_readable"])
    return {"fmt_alias": alias, "fmt_code": code, "fmt_open": is_open, "fmt_mr": readable}


def frequency_periods() -> dict[str, str]:
    """Frequency code -> ISO 8601 period (codes without a period have no deadline)."""
    return {c.code: str(c.extra["period"]) for c in codelists.get("frequency").codes
            if c.extra.get("period")}


def license_ids() -> list[str]:
    try:
        return list(model.Package.get_license_register().keys())
    except Exception:  # a misconfigured licenses_group_url must not break the metrics
        return []


@functools.lru_cache(maxsize=None)
def _has_table(name: str) -> bool:
    return bool(model.Session.execute(sa.text("SELECT to_regclass(:name) IS NOT NULL"),
                                      {"name": f"public.{name}"}).scalar())


def has_harvest_tables() -> bool:
    return _has_table("harvest_object")


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _nonempty(expr: str) -> str:
    return f"(coalesce(btrim({expr}), '') NOT IN ('', '[]', '{{}}', 'null', '\"\"'))"


def _share(count: str) -> str:
    return f"(CASE WHEN coalesce(rs.n, 0) > 0 THEN coalesce({count}, 0)::float / rs.n ELSE 0 END)"


def rule_params() -> dict[str, Any]:
    """The parameters the dataset facts are computed with (codelists, formats, licenses, the
    obligations' match rules): when one of them changes, so does :func:`rules_version`, and
    every fact is recomputed."""
    periods = frequency_periods()
    return {
        "freq_codes": list(periods),
        "freq_periods": list(periods.values()),
        "overdue_factor": OVERDUE_FACTOR,
        "licenses": license_ids(),
        "access_codes": [c.code for c in codelists.get("access-right").codes],
        "obligation_rules": obligation_rules(),
        **format_params(),
    }


def obligation_rules() -> str:
    """The obligations' codes and match rules, as JSON text (part of the rules version)."""
    rows = model.Session.execute(sa.text(
        "SELECT code, match FROM ogpcatalog_obligation ORDER BY code")).all()
    return json.dumps([[row.code, row.match] for row in rows], sort_keys=True)


# The version of :func:`facts_select`: a change of what it computes makes every row stale.
FACTS_VERSION = 3  # 3: interoperability on the best distribution, SHACL compliance


def rules_version(params: dict[str, Any]) -> str:
    """A short digest of :func:`rule_params`' values and :data:`FACTS_VERSION` (stored with
    every fact)."""
    rules = {key: params[key] for key in sorted(rule_params_keys())}
    rules["facts_version"] = FACTS_VERSION
    return hashlib.sha256(json.dumps(rules, sort_keys=True, default=str).encode()).hexdigest()[:16]


def rule_params_keys() -> tuple[str, ...]:
    return ("freq_codes", "freq_periods", "overdue_factor", "licenses", "access_codes",
            "obligation_rules", "fmt_alias", "fmt_code", "fmt_open", "fmt_mr")


def base_params(at: datetime.datetime | None = None) -> dict[str, Any]:
    params = {"now": at or now(), **rule_params()}
    params["rules"] = rules_version(params)
    return params


def institution_where(filters: Filters, params: dict[str, Any]) -> str:
    clauses = []
    for key in ("institution_type", "sector", "government_level"):
        values = getattr(filters, key)
        if values:
            params[f"f_{key}"] = list(values)
            clauses.append(f"coalesce(g.extras->>'{key}', '') = ANY(:f_{key})")
    if filters.institution:
        params["f_institution"] = list(filters.institution)
        clauses.append("g.id = ANY(:f_institution)")
    return "".join(f" AND {c}" for c in clauses)


def dataset_where(filters: Filters, params: dict[str, Any], alias: str = "dsa") -> str:
    clauses = []
    if filters.dataset_type:
        params["f_dataset_type"] = list(filters.dataset_type)
        clauses.append(f"{alias}.type = ANY(:f_dataset_type)")
    if filters.theme:
        params["f_theme"] = list(filters.theme)
        clauses.append(f"{alias}.themes && CAST(:f_theme AS text[])")
    return " AND ".join(clauses) or "true"


def localized(column: str, translated: str, lang_param: str = ":lang") -> str:
    """SQL: the ``translated`` JSON text's value in the language, else ``column``."""
    return (f"coalesce(nullif(CASE WHEN {translated} LIKE '{{%}}' THEN "
            f"({translated})::jsonb->>{lang_param} END, ''), {column})")


RULE_CTES = """
freq AS (
  SELECT f.code, CAST(f.period AS interval) AS period
  FROM unnest(CAST(:freq_codes AS text[]), CAST(:freq_periods AS text[])) AS f(code, period)
),
fmt AS (
  SELECT * FROM unnest(CAST(:fmt_alias AS text[]), CAST(:fmt_code AS text[]),
                       CAST(:fmt_open AS boolean[]), CAST(:fmt_mr AS boolean[]))
         AS f(alias, code, open, mr)
)"""

# The columns of ``ogpcatalog_dataset_facts`` that :func:`facts_select` computes, in order.
FACT_COLUMNS = (
    "package_id", "metadata_modified", "rules", "refreshed", "name", "title", "title_translated",
    "type", "owner_org", "private", "themes", "tags", "obligations", "frequency", "last_change", "has_period",
    "due", "with_evidence", "harvested", "resources", "with_download", "open_fmt", "mr_fmt",
    "formats", "findability", "interoperability", "reusability", "contextuality",
    "accessibility", "score")


def facts_select(scope: str) -> str:
    """SQL: the facts of the active datasets (not harvest sources) whose ids ``scope`` (a
    SELECT of one column ``id``) yields, from CKAN's tables, one row each (columns
    :data:`FACT_COLUMNS`). Needs :func:`base_params`' parameters.

    What changes with the dataset itself: a write to a dataset, its resources or its tags
    sets its ``metadata_modified``, stored with the row, so a changed stamp tells that the row
    is stale. The link-check results of its resources (the accessibility points, hence the
    score): the link check marks the datasets it wrote results for stale
    (:func:`.linkcheck.run_link_check`). Institution attributes and "now" are never stored: the
    indicators join or compare them at aggregate time (:func:`ctes`). The rules (codelists,
    formats, licenses, the obligations' match rules, this statement's version) are versioned
    by ``rules``.
    """
    harvest = ("EXISTS (SELECT 1 FROM harvest_object ho WHERE ho.package_id = p.id "
               "AND ho.current)" if has_harvest_tables() else "false")
    has_shacl = _has_table(SHACL_TABLE)
    shacl = "sh.conforms" if has_shacl else "CAST(NULL AS boolean)"
    shacl_join = (f"\n  LEFT JOIN {SHACL_TABLE} sh ON sh.package_id = p.id "
                  "AND sh.metadata_modified = p.metadata_modified" if has_shacl else "")
    return f"""
WITH {RULE_CTES},
ob AS (
  -- the obligations' match rules (versioned in `rules`: a change recomputes every row)
  SELECT o.code, nullif(o.match->>'dataset_type', '') AS m_type,
         ARRAY(SELECT jsonb_array_elements_text(coalesce(o.match->'theme', '[]'))) AS m_theme,
         ARRAY(SELECT jsonb_array_elements_text(coalesce(o.match->'tags', '[]'))) AS m_tags
  FROM ogpcatalog_obligation o
),
scope AS ({scope}),
tg AS (
  SELECT pt.package_id, array_agg(DISTINCT t.name::text ORDER BY t.name::text) AS tags
  FROM package_tag pt JOIN tag t ON t.id = pt.tag_id
  WHERE pt.state = 'active' AND pt.package_id IN (SELECT id FROM scope)
  GROUP BY pt.package_id
),
rs AS (
  SELECT r.package_id,
         count(*) AS n,
         count(*) FILTER (WHERE coalesce(btrim(r.format), '') <> '') AS with_format,
         count(*) FILTER (WHERE coalesce(r.mimetype, '') <> '') AS with_mimetype,
         count(*) FILTER (WHERE f.code IS NOT NULL) AS known_format,
         count(*) FILTER (WHERE f.open) AS open_fmt,
         count(*) FILTER (WHERE f.mr) AS mr_fmt,
         count(*) FILTER (WHERE coalesce(r.url, '') <> '') AS with_url,
         count(*) FILTER (WHERE coalesce(rx.x->>'download_url', '') <> ''
                          OR r.url_type = 'upload') AS with_download,
         count(*) FILTER (WHERE {_nonempty("rx.x->>'rights'")}) AS with_rights,
         count(*) FILTER (WHERE r.size IS NOT NULL) AS with_size,
         -- the MQA scores interoperability on the best distribution (80 of its 110 points)
         max(20 * (coalesce(btrim(r.format), '') <> '')::int
             + 10 * (coalesce(r.mimetype, '') <> '')::int + 10 * (f.code IS NOT NULL)::int
             + 20 * coalesce(f.open, false)::int + 20 * coalesce(f.mr, false)::int)
           AS best_distribution,
         array_agg(coalesce(f.code, upper(btrim(coalesce(r.format, ''))))
                   ORDER BY r.position, r.id) AS formats,
         -- link-check results: one per resource and field at most (the table's key)
         count(*) FILTER (WHERE u.ok) AS access_ok,
         count(*) FILTER (WHERE d.ok OR (r.url_type = 'upload' AND u.ok)) AS download_ok
  FROM resource r
  CROSS JOIN LATERAL (SELECT CASE WHEN r.extras LIKE '{{%' THEN r.extras::jsonb END AS x) rx
  LEFT JOIN fmt f ON f.alias = upper(btrim(r.format))
  LEFT JOIN ogpcatalog_link_check u ON u.resource_id = r.id AND u.field = 'url'
  LEFT JOIN ogpcatalog_link_check d ON d.resource_id = r.id AND d.field = 'download_url'
  WHERE r.state = 'active' AND r.package_id IN (SELECT id FROM scope)
  GROUP BY r.package_id
),
ds AS (
  SELECT p.id, p.metadata_modified, p.name, p.title, p.type, p.owner_org, p.private,
         p.license_id,
         coalesce(p.notes, '') <> '' AS has_notes,
         p.extras->>'title_translated' AS title_translated,
         {_nonempty("p.extras->>'spatial_coverage'")} AS has_spatial,
         {_nonempty("p.extras->>'temporal_coverage'")} AS has_temporal,
         {_nonempty("p.extras->>'access_rights'")} AS has_access_rights,
         coalesce(p.extras->>'access_rights' = ANY(:access_codes), false) AS access_rights_coded,
         {_nonempty("p.extras->>'contact'")} AS has_contact,
         {_nonempty("p.extras->>'issued'")} AS has_issued,
         {_nonempty("p.extras->>'modified'")} AS has_modified,
         {shacl} AS shacl_conforms,
         (p.extras ? 'harvest_object_id' OR p.extras ? 'harvest_source_id' OR {harvest})
           AS harvested,
         (p.type = 'commitment' AND (
            coalesce(p.extras->>'milestones', '') ~ '"evidence_url":\\s*"[^"]'
            OR coalesce(p.extras->>'milestones', '') ~ '"evidence_datasets":\\s*(\\[\\s*"|"[^"\\]])'
         )) AS with_evidence,
         string_to_array(translate(coalesce(p.extras->>'theme', ''), '[]" ', ''), ',')
           AS themes,
         coalesce(tg.tags, '{{}}'::text[]) AS tags,
         tg.package_id IS NOT NULL AS has_tags,
         nullif(p.extras->>'frequency', '') AS frequency,
         coalesce(CASE WHEN p.extras->>'modified' ~ '^\\d{{4}}-\\d{{2}}-\\d{{2}}'
                       THEN substr(p.extras->>'modified', 1, 10)::timestamp END,
                  p.metadata_modified) AS last_change
  FROM package p
  JOIN scope ON scope.id = p.id
  LEFT JOIN tg ON tg.package_id = p.id{shacl_join}
  WHERE p.state = 'active' AND p.type <> 'harvest'
),
fx AS (
SELECT ds.id AS package_id, ds.metadata_modified, CAST(:rules AS text) AS rules,
       CAST(now() AT TIME ZONE 'UTC' AS timestamp) AS refreshed,
       ds.name, ds.title, ds.title_translated, ds.type, ds.owner_org, ds.private,
       ds.themes, ds.tags,
       ARRAY(SELECT ob.code FROM ob
             WHERE ('obligation-' || ob.code) = ANY(ds.tags) OR (
               (ob.m_type IS NOT NULL OR cardinality(ob.m_theme) > 0
                OR cardinality(ob.m_tags) > 0)
               AND (ob.m_type IS NULL OR ds.type = ob.m_type)
               AND (cardinality(ob.m_theme) = 0 OR ds.themes && ob.m_theme)
               AND (cardinality(ob.m_tags) = 0 OR ds.tags && ob.m_tags))
             ORDER BY ob.code) AS obligations,
       ds.frequency, ds.last_change,
       fq.period IS NOT NULL AS has_period,
       ds.last_change + fq.period * :overdue_factor AS due,
       ds.with_evidence, ds.harvested,
       coalesce(rs.n, 0)::int AS resources,
       coalesce(rs.with_download, 0)::int AS with_download,
       coalesce(rs.open_fmt, 0)::int AS open_fmt,
       coalesce(rs.mr_fmt, 0)::int AS mr_fmt,
       coalesce(rs.formats, '{{}}'::text[]) AS formats,
       (30 * ds.has_tags::int + 30 * (cardinality(ds.themes) > 0)::int
        + 20 * ds.has_spatial::int + 20 * ds.has_temporal::int)::float AS findability,
       -- DCAT-AP compliance (30): the dataset's SHACL result for its current metadata
       -- (metrics/quality.py), else title, description and every resource's URL present
       (coalesce(rs.best_distribution, 0)
        + 30 * coalesce(ds.shacl_conforms,
                        coalesce(ds.title, '') <> '' AND ds.has_notes
                        AND coalesce(rs.n, 0) > 0 AND rs.with_url = rs.n)::int)::float
         AS interoperability,
       (20 * (coalesce(ds.license_id, '') <> '')::int
        + 10 * (coalesce(ds.license_id = ANY(:licenses), false))::int
        + 10 * ds.has_access_rights::int + 5 * ds.access_rights_coded::int
        + 20 * ds.has_contact::int
        + 10 * (ds.owner_org IS NOT NULL)::int)::float AS reusability,
       (5 * {_share("rs.with_rights")} + 5 * {_share("rs.with_size")}
        + 5 * ds.has_issued::int + 5 * ds.has_modified::int) AS contextuality,
       (50 * {_share("rs.access_ok")} + 20 * {_share("rs.with_download")}
        + 30 * {_share("rs.download_ok")}) AS accessibility
FROM ds
LEFT JOIN rs ON rs.package_id = ds.id
LEFT JOIN freq fq ON fq.code = ds.frequency
)
SELECT fx.*,
       findability + accessibility + interoperability + reusability + contextuality AS score
FROM fx"""


ALL_DATASETS = "SELECT id FROM package WHERE state = 'active' AND type <> 'harvest'"


def scope_ctes(filters: Filters, params: dict[str, Any]) -> str:
    """``inst`` (the institutions the filters keep, with their attributes) and the rule CTEs;
    sets the planner hint ``scan_all`` (the whole portal: see :func:`execute`)."""
    params["scan_all"] = not any(getattr(filters, key) for key in (
        "institution", "institution_type", "sector", "government_level", "dataset_type",
        "theme"))
    return f"""
inst AS (
  SELECT g.id, g.name, g.title, g.extras AS gextras,
         coalesce(g.extras->>'institution_type', '') AS institution_type,
         coalesce(g.extras->>'sector', '') AS sector,
         coalesce(g.extras->>'government_level', '') AS government_level
  FROM "group" g
  WHERE g.is_organization AND g.state = 'active'{institution_where(filters, params)}
),
{RULE_CTES}"""


def ctes(filters: Filters, params: dict[str, Any], *, obligations: bool = False,
         obligation_datasets: bool = False, live: bool = False) -> str:
    """The WITH list: ``inst`` (institutions in scope), ``dsa`` (the facts of their active
    datasets, all types but harvest sources), ``ds`` (filtered by dataset type/theme), ``df``
    (with their freshness) and, with ``obligations``, ``obst`` (one row per applicable
    institution x obligation with its status; with ``obligation_datasets``, the names of its
    fulfilling datasets, else ``NULL``).

    The facts come from ``ogpcatalog_dataset_facts`` (kept fresh by :mod:`.facts`), or with
    ``live`` are computed from CKAN's tables in the statement (the same SQL: tests compare
    both). Institution attributes and "now" are read here, never stored.
    """
    source = f"({facts_select(ALL_DATASETS)})" if live else "ogpcatalog_dataset_facts"
    sql = f"""{scope_ctes(filters, params)},
dsa AS NOT MATERIALIZED (
  -- inlined where used: each use reads only the columns it needs
  SELECT f.package_id AS id, f.name, f.title, f.type, f.owner_org, f.private, f.themes,
         f.obligations, cardinality(f.tags) > 0 AS has_tags, f.frequency, f.last_change,
         f.title_translated, f.with_evidence, f.harvested, f.resources, f.with_download,
         f.open_fmt, f.mr_fmt, f.formats, f.has_period, f.due, f.findability,
         f.accessibility, f.interoperability, f.reusability, f.contextuality, f.score
  FROM {source} f
  WHERE f.owner_org IN (SELECT id FROM inst)
),
ds AS NOT MATERIALIZED (SELECT * FROM dsa WHERE {dataset_where(filters, params)}),
df AS (
  SELECT ds.*,
         CASE WHEN NOT has_period THEN 'none' WHEN due > :now THEN 'up_to_date'
              ELSE 'overdue' END AS fresh
  FROM ds
)"""
    if obligations:
        sql += "," + obligation_ctes(obligation_datasets, live)
    return sql


# The lowest score of each rating (data.europa.eu's MQA bands), best first.
RATING_FLOORS = {"excellent": 351, "good": 221, "sufficient": 121, "bad": None}


def rating_sql(score: str = "score") -> str:
    cases = " ".join(f"WHEN {score} >= {floor} THEN '{rating}'"
                     for rating, floor in RATING_FLOORS.items() if floor is not None)
    return f"CASE {cases} ELSE 'bad' END"


def rating_range(rating: str, score: str = "score") -> str:
    """SQL: the condition that ``score`` has ``rating`` (two comparisons, no CASE)."""
    ratings = list(RATING_FLOORS)
    floor = RATING_FLOORS[rating]
    above = RATING_FLOORS[ratings[ratings.index(rating) - 1]] if ratings.index(rating) else None
    conditions = ([f"{score} >= {floor}"] if floor is not None else []) + (
        [f"{score} < {above}"] if above is not None else [])
    return " AND ".join(conditions)


def obligation_ctes(datasets: bool = False, live: bool = False) -> str:
    """``ob`` (obligations), ``app`` (applicable institution x obligation), ``mt`` (per
    institution and obligation, the last change of its fulfilling public datasets, whatever the
    dataset filters: the fulfilment table kept with the facts; with ``live``, or ``datasets``
    (their names, for one institution's page), the same aggregate of ``dsa``), ``ful`` (``mt``
    of the applicable pairs) and ``obst`` (status)."""
    names = ("array_agg(d.name::text ORDER BY d.name)" if datasets else "NULL::text[]")
    if live or datasets:
        fulfilment = """
  SELECT d.owner_org, d.code, max(d.last_change) AS last_change, """ + names + """ AS datasets
  FROM (SELECT owner_org, unnest(obligations) AS code, last_change, name
        FROM dsa WHERE NOT private) d
  GROUP BY d.owner_org, d.code"""
    else:
        fulfilment = f"""
  SELECT owner_org, code, last_change, NULL::text[] AS datasets FROM {FULFILMENT_TABLE}"""
    return """
ob AS MATERIALIZED (
  -- computed once (a few rows): inlined, its arrays would be rebuilt for every institution
  SELECT o.code, o.title, o.frequency, o.applies_to, o.match,
         ARRAY(SELECT jsonb_array_elements_text(coalesce(o.applies_to->'institution_type', '[]'))) AS a_type,
         ARRAY(SELECT jsonb_array_elements_text(coalesce(o.applies_to->'sector', '[]'))) AS a_sector,
         ARRAY(SELECT jsonb_array_elements_text(coalesce(o.applies_to->'government_level', '[]'))) AS a_level,
         ARRAY(SELECT jsonb_array_elements_text(coalesce(o.applies_to->'institutions', '[]'))) AS a_inst,
         nullif(o.match->>'dataset_type', '') AS m_type,
         ARRAY(SELECT jsonb_array_elements_text(coalesce(o.match->'theme', '[]'))) AS m_theme,
         ARRAY(SELECT jsonb_array_elements_text(coalesce(o.match->'tags', '[]'))) AS m_tags,
         fq.period
  FROM ogpcatalog_obligation o
  LEFT JOIN freq fq ON fq.code = o.frequency
),
app AS (
  SELECT inst.id AS inst_id, ob.code, ob.period
  FROM inst JOIN ob ON (
    inst.name = ANY(ob.a_inst) OR inst.id = ANY(ob.a_inst)
    OR ((cardinality(ob.a_type) + cardinality(ob.a_sector) + cardinality(ob.a_level)) > 0
        AND (cardinality(ob.a_type) = 0 OR inst.institution_type = ANY(ob.a_type))
        AND (cardinality(ob.a_sector) = 0 OR inst.sector = ANY(ob.a_sector))
        AND (cardinality(ob.a_level) = 0 OR inst.government_level = ANY(ob.a_level))))
),
mt AS (
  -- (institution, obligation) for the public datasets that fulfil an obligation, by its
  -- match rule or by the marker tag `obligation-<code>` (matched in the facts)
  -- (unnest in the select list: a hashed aggregate, not a nested loop per dataset)""" + fulfilment + """
),
ful AS (
  SELECT app.inst_id, app.code, mt.last_change, mt.datasets
  FROM app JOIN mt ON mt.owner_org = app.inst_id AND mt.code = app.code
),
obst AS (
  SELECT app.inst_id, app.code, ful.datasets, ful.last_change,
         ful.last_change + app.period * :overdue_factor AS due,
         CASE WHEN ful.code IS NULL THEN 'missing'
              WHEN app.period IS NOT NULL AND ful.last_change + app.period * :overdue_factor <= :now
                THEN 'overdue'
              ELSE 'met' END AS status
  FROM app LEFT JOIN ful ON ful.inst_id = app.inst_id AND ful.code = app.code
),
comp AS (
  SELECT inst_id,
         count(*) AS applicable,
         count(*) FILTER (WHERE status = 'met') AS met,
         count(*) FILTER (WHERE status = 'missing') AS missing,
         count(*) FILTER (WHERE status = 'overdue') AS overdue,
         round((100.0 * count(*) FILTER (WHERE status = 'met') / count(*))::numeric, 1)::float
           AS compliance_percent
  FROM obst GROUP BY inst_id
),
ranked AS (
  SELECT comp.*, rank() OVER (ORDER BY compliance_percent DESC) AS rank FROM comp
)"""


def execute(sql: str, params: dict[str, Any]):
    """Run one statement with planner settings for it, restored right after (the rows are
    already on the client then, and the rest of the request runs with the usual settings).

    PostgreSQL's JIT compiler is off: these statements are large (many expressions) and JIT
    compiling them costs seconds, far more than it saves over some 10^5 rows. Hash aggregates
    get room in memory. On the whole portal, nested loops are off: the row estimates of the
    aggregated CTEs are poor and a nested loop over 10^5 datasets costs seconds, where hash
    joins cost milliseconds.
    """
    settings = ["SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'"]
    if params.get("scan_all"):
        settings.append("SET LOCAL enable_nestloop = off")
    model.Session.execute(sa.text("; ".join(settings)))
    try:
        return model.Session.execute(sa.text(sql), params)
    finally:
        model.Session.execute(sa.text("RESET jit; RESET work_mem; RESET enable_nestloop"))
