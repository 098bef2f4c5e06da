"""The indicators: one SQL statement per answer over the CTEs of :mod:`.sql` (see docs/metrics-api.md)."""
from __future__ import annotations

import datetime
from typing import Any

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.dcat.publishers import NOTICE_EXTRA
from ckanext.ogpcatalog.language import current_language
from ckanext.ogpcatalog.metrics import facts, rollups
from ckanext.ogpcatalog.metrics import sql as q
from ckanext.ogpcatalog.metrics.filters import DATASET_TYPES, Filters, Paging

# What the summary and the institution rows both count over the public datasets of the facts.
PUBLIC_DATASET_FIGURES = """coalesce(sum(resources) FILTER (WHERE NOT private), 0) AS resources,
         coalesce(sum(open_fmt) FILTER (WHERE NOT private), 0) AS open_fmt,
         coalesce(sum(mr_fmt) FILTER (WHERE NOT private), 0) AS mr_fmt,
         count(*) FILTER (WHERE NOT private AND has_period) AS with_frequency,
         count(*) FILTER (WHERE NOT private AND NOT has_period) AS without_frequency,
         count(*) FILTER (WHERE NOT private AND fresh = 'up_to_date') AS up_to_date,
         count(*) FILTER (WHERE NOT private AND fresh = 'overdue') AS overdue,
         round(avg(score) FILTER (WHERE NOT private)::numeric, 1)::float AS quality_average"""

def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)


def _share(part: Any, whole: Any, digits: int = 4) -> float | None:
    return round(float(part) / float(whole), digits) if whole else None


def _params(at: datetime.datetime | None = None, refresh: bool = True) -> dict[str, Any]:
    """The statement's parameters, once the dataset facts are up to date (the incremental
    refresh: a check, and the changed datasets' facts recomputed in SQL)."""
    params = q.base_params(at)
    if refresh:
        facts.refresh(params)
    params["lang"] = current_language()
    return params


def _summary_from_facts(filters: Filters, params: dict[str, Any]) -> str:
    """The summary's CTEs (``agg``, ``pub``, ``pubtheme``, ``fmtcount`` and the obligations')
    aggregated from the dataset facts (any filter)."""
    type_counts = ", ".join(
        f"'{t}', count(*) FILTER (WHERE type = '{t}' AND NOT private)" for t in DATASET_TYPES)
    private_type_counts = ", ".join(
        f"'{t}', count(*) FILTER (WHERE type = '{t}' AND private)" for t in DATASET_TYPES)
    rating_counts = ", ".join(
        f"'{r}', count(*) FILTER (WHERE NOT private AND {q.rating_range(r)})" for r in q.RATINGS)
    dims = ", ".join(
        f"'{d}', round(avg({d}) FILTER (WHERE NOT private)::numeric, 1)" for d in q.DIMENSIONS)
    return f"""{q.ctes(filters, params, obligations=True)},
sdf AS (
  -- the columns the figures below read, kept once for their four passes (df inlined here)
  SELECT owner_org, type, private, harvested, has_period, with_evidence, resources, open_fmt,
         mr_fmt, {", ".join(q.DIMENSIONS)}, score, fresh, themes, formats
  FROM df
),
agg AS (
  SELECT count(*) AS total,
         count(*) FILTER (WHERE NOT private) AS public,
         count(*) FILTER (WHERE private) AS private,
         count(*) FILTER (WHERE harvested) AS harvested,
         jsonb_build_object({type_counts}) AS by_type,
         jsonb_build_object({private_type_counts}) AS private_by_type,
         {PUBLIC_DATASET_FIGURES},
         jsonb_build_object({rating_counts}) AS distribution,
         jsonb_build_object({dims}) AS dimensions,
         count(*) FILTER (WHERE NOT private AND type = 'commitment') AS commitments,
         count(*) FILTER (WHERE NOT private AND with_evidence) AS with_evidence
  FROM sdf
),
pub AS (
  -- (institution, dataset type) pairs with public datasets: publishing institutions
  SELECT owner_org, type FROM sdf WHERE NOT private GROUP BY owner_org, type
),
pubtheme AS (
  -- (institution, theme) pairs with public datasets: the distinct (institution, themes)
  -- first (a few thousand), then unnested (in the select list: a hashed aggregate, not a
  -- nested loop per dataset)
  SELECT owner_org, theme
  FROM (SELECT owner_org, unnest(themes) AS theme
        FROM (SELECT DISTINCT owner_org, themes FROM sdf WHERE NOT private) d) t
  GROUP BY owner_org, theme
),
fmtcount AS (
  -- resources per format: the datasets' format lists counted first (a few hundred distinct)
  SELECT fmt, sum(n)::bigint AS n
  FROM (SELECT unnest(formats) AS fmt, n
        FROM (SELECT formats, count(*) AS n FROM sdf WHERE NOT private GROUP BY formats) g) x
  GROUP BY fmt
)"""


def _summary_from_rollups(filters: Filters, params: dict[str, Any]) -> str:
    """The same CTEs added up from the per-institution rollups (no theme filter)."""
    p = rollups.public
    type_counts = ", ".join(
        f"'{t}', coalesce(sum(datasets) FILTER (WHERE type = '{t}' AND NOT private), 0)::bigint"
        for t in DATASET_TYPES)
    private_type_counts = ", ".join(
        f"'{t}', coalesce(sum(datasets) FILTER (WHERE type = '{t}' AND private), 0)::bigint"
        for t in DATASET_TYPES)
    rating_counts = ", ".join(f"'{r}', {p(r)}" for r in q.RATINGS)
    dims = ", ".join(f"'{d}', {rollups.average(d)}" for d in q.DIMENSIONS)
    return f"""{rollups.ctes(filters, params, obligations=True)},
fresh AS (SELECT coalesce(sum(up_to_date), 0)::bigint AS up_to_date FROM fr),
agg AS (
  SELECT coalesce(sum(datasets), 0)::bigint AS total,
         {p("datasets")} AS public,
         coalesce(sum(datasets) FILTER (WHERE private), 0)::bigint AS private,
         coalesce(sum(datasets) FILTER (WHERE harvested), 0)::bigint AS harvested,
         jsonb_build_object({type_counts}) AS by_type,
         jsonb_build_object({private_type_counts}) AS private_by_type,
         {p("resources")} AS resources, {p("open_fmt")} AS open_fmt, {p("mr_fmt")} AS mr_fmt,
         {p("with_period")} AS with_frequency,
         {p("datasets - with_period")} AS without_frequency,
         (SELECT up_to_date FROM fresh) AS up_to_date,
         {p("with_period")} - (SELECT up_to_date FROM fresh) AS overdue,
         {rollups.average("score")}::float AS quality_average,
         jsonb_build_object({rating_counts}) AS distribution,
         jsonb_build_object({dims}) AS dimensions,
         coalesce(sum(datasets) FILTER (WHERE NOT private AND type = 'commitment'), 0)::bigint
           AS commitments,
         {p("with_evidence")} AS with_evidence
  FROM r
),
pub AS (SELECT owner_org, type FROM r WHERE NOT private GROUP BY owner_org, type),
pubtheme AS (SELECT owner_org, code AS theme FROM tc_theme GROUP BY owner_org, code),
fmtcount AS (SELECT code AS fmt, sum(n)::bigint AS n FROM tc_format GROUP BY code)"""


def summary(filters: Filters, at: datetime.datetime | None = None) -> dict[str, Any]:
    """Portal-wide headline figures (``ogpcatalog_metrics_summary_show``)."""
    params = _params(at)
    type_publishing = ", ".join(
        f"'{t}', (SELECT count(*) FROM pub WHERE type = '{t}')" for t in DATASET_TYPES)
    figures = (_summary_from_rollups if rollups.usable(filters) else _summary_from_facts)(
        filters, params)
    statement = f"""
WITH {figures}
SELECT agg.*,
       (SELECT count(DISTINCT owner_org) FROM pub) AS publishing,
       jsonb_build_object({type_publishing}) AS publishing_by_type,
       (SELECT count(*) FROM inst) AS institutions,
       (SELECT coalesce(jsonb_object_agg(theme, n), '{{}}'::jsonb) FROM (
          SELECT theme, count(*) AS n FROM pubtheme GROUP BY theme) t)
         AS publishing_by_theme,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('format', fmt, 'resources', n,
                                   'open', coalesce(open, false),
                                   'machine_readable', coalesce(mr, false))
                                  ORDER BY n DESC, fmt), '[]'::jsonb) FROM (
          -- counted first (a few formats), then joined with formats.yaml's
          SELECT c.fmt, c.n, bool_or(f.open) AS open, bool_or(f.mr) AS mr
          FROM fmtcount c LEFT JOIN fmt f ON f.code = c.fmt
          GROUP BY c.fmt, c.n) x) AS formats,
       (SELECT count(*) FROM ob) AS obligations,
       (SELECT jsonb_build_object('applicable', count(*),
                                  'met', count(*) FILTER (WHERE status = 'met'),
                                  'missing', count(*) FILTER (WHERE status = 'missing'),
                                  'overdue', count(*) FILTER (WHERE status = 'overdue'))
        FROM obst) AS obligation_status
FROM agg"""
    row = q.execute(statement, params).mappings().one()
    status = row["obligation_status"]
    return {
        "generated": _iso(params["now"].replace(microsecond=0)),
        "datasets": {"total": row["total"], "public": row["public"], "private": row["private"],
                     "harvested": row["harvested"], "manual": row["total"] - row["harvested"],
                     "by_type": row["by_type"], "private_by_type": row["private_by_type"]},
        "resources": {"total": int(row["resources"]), "open_format": int(row["open_fmt"]),
                      "machine_readable": int(row["mr_fmt"]),
                      "open_format_share": _share(row["open_fmt"], row["resources"]),
                      "machine_readable_share": _share(row["mr_fmt"], row["resources"])},
        "formats": row["formats"],
        "institutions": {"total": row["institutions"], "publishing": row["publishing"],
                         "publishing_share": _share(row["publishing"], row["institutions"])},
        "publishing_by_type": row["publishing_by_type"],
        "publishing_by_theme": row["publishing_by_theme"],
        "freshness": {"with_frequency": row["with_frequency"],
                      "without_frequency": row["without_frequency"],
                      "up_to_date": row["up_to_date"], "overdue": row["overdue"],
                      "up_to_date_share": _share(row["up_to_date"], row["with_frequency"])},
        "quality": {"average": row["quality_average"], "max_points": q.MAX_SCORE,
                    "average_percent": (round(100 * row["quality_average"] / q.MAX_SCORE, 1)
                                        if row["quality_average"] is not None else None),
                    "distribution": row["distribution"],
                    "dimensions": {k: (float(v) if v is not None else None)
                                   for k, v in row["dimensions"].items()}},
        "obligations": {"obligations": row["obligations"], **status,
                        "compliance_percent": (round(100 * status["met"] / status["applicable"], 1)
                                               if status["applicable"] else None)},
        "commitments": {"total": row["commitments"], "with_evidence": row["with_evidence"],
                        "without_evidence": row["commitments"] - row["with_evidence"]},
    }


INSTITUTION_SORTS = ("name", "title", "datasets", "public", "private", "harvested", "resources",
                     "up_to_date_share", "overdue", "quality_average", "compliance_percent",
                     "rank")


def _institution_rows_sql(filters: Filters, params: dict[str, Any]) -> str:
    if rollups.usable(filters):
        p = rollups.public
        per = f"""{rollups.ctes(filters, params, obligations=True)},
fresh AS (SELECT owner_org, sum(up_to_date)::bigint AS up_to_date FROM fr GROUP BY owner_org),
per AS (
  SELECT r.owner_org,
         sum(datasets)::bigint AS datasets,
         {p("datasets")} AS public,
         coalesce(sum(datasets) FILTER (WHERE private), 0)::bigint AS private,
         coalesce(sum(datasets) FILTER (WHERE harvested), 0)::bigint AS harvested,
         {p("resources")} AS resources, {p("open_fmt")} AS open_fmt, {p("mr_fmt")} AS mr_fmt,
         {p("with_period")} AS with_frequency,
         {p("datasets - with_period")} AS without_frequency,
         coalesce(max(fresh.up_to_date), 0) AS up_to_date,
         {p("with_period")} - coalesce(max(fresh.up_to_date), 0) AS overdue,
         {rollups.average("score")}::float AS quality_average
  FROM r LEFT JOIN fresh ON fresh.owner_org = r.owner_org
  GROUP BY r.owner_org
)"""
    else:
        per = f"""{q.ctes(filters, params, obligations=True)},
per AS (
  SELECT owner_org,
         count(*) AS datasets,
         count(*) FILTER (WHERE NOT private) AS public,
         count(*) FILTER (WHERE private) AS private,
         count(*) FILTER (WHERE harvested) AS harvested,
         {PUBLIC_DATASET_FIGURES}
  FROM df GROUP BY owner_org
)"""
    return f"""
WITH {per},
rows AS (
  SELECT inst.id, inst.name, {q.localized("inst.title", "inst.gextras->>'title_translated'")} AS title,
         inst.institution_type, inst.sector, inst.government_level,
         coalesce(per.datasets, 0) AS datasets, coalesce(per.public, 0) AS public,
         coalesce(per.private, 0) AS private, coalesce(per.harvested, 0) AS harvested,
         coalesce(per.resources, 0)::int AS resources,
         CASE WHEN per.resources > 0
              THEN round((per.open_fmt::numeric / per.resources), 4)::float END
           AS open_format_share,
         CASE WHEN per.resources > 0
              THEN round((per.mr_fmt::numeric / per.resources), 4)::float END
           AS machine_readable_share,
         coalesce(per.public, 0) > 0 AS publishing,
         coalesce(per.with_frequency, 0) AS with_frequency,
         coalesce(per.without_frequency, 0) AS without_frequency,
         coalesce(per.up_to_date, 0) AS up_to_date, coalesce(per.overdue, 0) AS overdue,
         CASE WHEN per.with_frequency > 0
              THEN round((per.up_to_date::numeric / per.with_frequency), 4)::float END
           AS up_to_date_share,
         per.quality_average,
         coalesce(ranked.applicable, 0) AS obligations_applicable,
         coalesce(ranked.met, 0) AS obligations_met,
         coalesce(ranked.missing, 0) AS obligations_missing,
         coalesce(ranked.overdue, 0) AS obligations_overdue,
         ranked.compliance_percent, ranked.rank
  FROM inst
  LEFT JOIN per ON per.owner_org = inst.id
  LEFT JOIN ranked ON ranked.inst_id = inst.id
)"""


def _order(paging: Paging, tiebreak: str = "name") -> str:
    direction = "DESC" if paging.descending else "ASC"
    return f"ORDER BY {paging.sort} {direction} NULLS LAST, {tiebreak} ASC"


def institution_list(filters: Filters, paging: Paging,
                     at: datetime.datetime | None = None) -> dict[str, Any]:
    """One row per institution (``ogpcatalog_institution_metrics_list``)."""
    params = _params(at)
    params.update(limit=paging.limit, offset=paging.offset)
    statement = (_institution_rows_sql(filters, params)
                 + f"\nSELECT rows.*, count(*) OVER () AS total_count FROM rows {_order(paging)}"
                 + " LIMIT :limit OFFSET :offset")
    rows = [dict(r) for r in q.execute(statement, params).mappings()]
    count = rows[0].pop("total_count") if rows else _count_institutions(filters)
    for row in rows[1:]:
        row.pop("total_count")
    return {"count": count, "results": rows}


def _count_institutions(filters: Filters) -> int:
    params: dict[str, Any] = {}
    where = q.institution_where(filters, params)
    return q.execute(f'SELECT count(*) FROM "group" g WHERE g.is_organization '
                     f"AND g.state = 'active'{where}", params).scalar()


def institution_rows(filters: Filters, at: datetime.datetime | None = None) -> list[dict]:
    """Every institution's row, unpaged (snapshots)."""
    params = _params(at)
    statement = _institution_rows_sql(filters, params) + "\nSELECT * FROM rows ORDER BY name"
    return [dict(r) for r in q.execute(statement, params).mappings()]


def institution_detail(institution_id: str, at: datetime.datetime | None = None
                       ) -> dict[str, Any]:
    """One institution's figures (``ogpcatalog_institution_metrics_show``)."""
    filters = Filters(institution=(institution_id,))
    rows = institution_rows(filters, at)
    params = _params(at, refresh=False)  # refreshed by institution_rows
    statement = f"""
WITH {q.ctes(filters, params, obligations=True, obligation_datasets=True)}
SELECT
  (SELECT coalesce(jsonb_agg(jsonb_build_object(
            'code', ob.code, 'title', ob.title, 'frequency', ob.frequency, 'dataset_type', ob.m_type,
            'status', obst.status, 'datasets', coalesce(to_jsonb(obst.datasets), '[]'::jsonb),
            'last_modified', obst.last_change, 'due', obst.due) ORDER BY ob.code), '[]'::jsonb)
   FROM obst JOIN ob ON ob.code = obst.code) AS obligations,
  (SELECT coalesce(jsonb_agg(jsonb_build_object(
            'id', id, 'name', name, 'title', {q.localized("title", "title_translated")},
            'type', type, 'frequency', frequency, 'last_modified', last_change, 'due', due,
            'days_overdue', extract(day FROM (:now - due))::int) ORDER BY due, name), '[]'::jsonb)
   FROM df WHERE NOT private AND fresh = 'overdue') AS overdue_datasets,
  (SELECT coalesce(jsonb_agg(x ORDER BY (x->>'score')::float, x->>'name'), '[]'::jsonb) FROM (
     SELECT jsonb_build_object('id', id, 'name', name,
                               'title', {q.localized("title", "title_translated")}, 'type', type,
                               'score', round(score::numeric, 1), 'rating', {q.rating_sql()}) AS x
     FROM df WHERE NOT private AND score < 221 ORDER BY score, name LIMIT 50) lq)
   AS low_quality_datasets,
  (SELECT jsonb_build_object({", ".join(
        f"'{r}', count(*) FILTER (WHERE {q.rating_range(r)})" for r in q.RATINGS)})
   FROM df WHERE NOT private) AS quality_distribution"""
    row = q.execute(statement, params).mappings().one()
    return {
        "institution": rows[0],
        "obligations": row["obligations"],
        "overdue_datasets": row["overdue_datasets"],
        "low_quality_datasets": row["low_quality_datasets"],
        "quality_distribution": row["quality_distribution"],
        "harvest": harvest_health(institution_id),
    }


def harvest_health(institution_id: str) -> list[dict[str, Any]]:
    """The institution's harvest sources: last run, last successful run, errors, datasets."""
    if not q.has_harvest_tables():
        return []
    statement = """
WITH src AS (
  SELECT hs.id, p.name, hs.title, hs.url, hs.type, coalesce(hs.active, true) AS active,
         hs.frequency
  FROM harvest_source hs JOIN package p ON p.id = hs.id
  WHERE p.owner_org = :org AND p.state = 'active'
),
jobs AS (
  SELECT j.id, j.source_id, j.status, coalesce(j.finished, j.gather_finished, j.created) AS run,
         (SELECT count(*) FROM harvest_gather_error ge WHERE ge.harvest_job_id = j.id)
         + (SELECT count(*) FROM harvest_object_error oe JOIN harvest_object ho
              ON ho.id = oe.harvest_object_id WHERE ho.harvest_job_id = j.id) AS errors,
         -- notices (unknown publishers, dcat/publishers.py) are not errors
         (SELECT count(*) FROM harvest_object_extra hx JOIN harvest_object ho
              ON ho.id = hx.harvest_object_id
          WHERE ho.harvest_job_id = j.id AND hx.key = :notice) AS notices
  FROM harvest_job j JOIN src ON src.id = j.source_id
),
last AS (
  SELECT DISTINCT ON (source_id) source_id, status, run, errors, notices
  FROM jobs ORDER BY source_id, run DESC NULLS LAST
)
SELECT src.*,
       (SELECT count(*) FROM jobs WHERE jobs.source_id = src.id) AS jobs,
       last.status AS last_job_status, last.run AS last_run, last.errors AS last_run_errors,
       last.notices AS last_run_notices,
       (SELECT max(run) FROM jobs WHERE jobs.source_id = src.id AND status = 'Finished'
          AND errors = 0) AS last_successful_run,
       (SELECT count(*) FROM harvest_object ho JOIN package d ON d.id = ho.package_id
        WHERE ho.harvest_source_id = src.id AND ho.current AND d.state = 'active') AS datasets
FROM src LEFT JOIN last ON last.source_id = src.id
ORDER BY src.name"""
    rows = []
    for row in q.execute(statement, {"org": institution_id, "notice": NOTICE_EXTRA}).mappings():
        item = dict(row)
        for key in ("last_run", "last_successful_run"):
            item[key] = _iso(item[key])
        rows.append(item)
    return rows


MATRIX_SORTS = ("name", "title", "total")


def coverage_matrix(by: str, filters: Filters, paging: Paging,
                    at: datetime.datetime | None = None) -> dict[str, Any]:
    """Institutions x dataset types or themes (``ogpcatalog_coverage_matrix_show``)."""
    params = _params(at)
    params.update(limit=paging.limit, offset=paging.offset)
    fast = rollups.usable(filters)
    if by == "theme":
        columns = [{"code": c.code, "label": dict(c.label)}
                   for c in codelists.get("eu-data-theme").codes]
        # a dataset's themes and, as column NULL appended to them, the dataset itself
        # (unnest in the select list: a hashed aggregate, not a nested loop per dataset)
        counted = """SELECT owner_org, col, count(*) AS n
  FROM (SELECT ds.owner_org, unnest(array_append(ds.themes, NULL)) AS col
        FROM ds WHERE NOT ds.private) u
  GROUP BY owner_org, col"""
    else:
        columns = [{"code": t, "label": _type_label(t)} for t in DATASET_TYPES]
        # one type per dataset: the institution's total is the grouping set without it
        counted = """SELECT owner_org, type AS col, count(*) AS n
  FROM ds WHERE NOT ds.private
  GROUP BY GROUPING SETS ((owner_org, type), (owner_org))"""
    if fast:  # the same counts from the rollups
        counted = ("""SELECT owner_org, type AS col, sum(datasets)::bigint AS n
  FROM r WHERE NOT private
  GROUP BY GROUPING SETS ((owner_org, type), (owner_org))""" if by != "theme" else """
  SELECT owner_org, code AS col, sum(n)::bigint AS n FROM tc_theme GROUP BY owner_org, code
  UNION ALL
  SELECT owner_org, NULL, sum(datasets)::bigint FROM r WHERE NOT private GROUP BY owner_org""")
    statement = f"""
WITH {rollups.ctes(filters, params) if fast else q.ctes(filters, params)},
counts AS (
  -- one pass over the datasets: per institution, the public datasets of each column and, as
  -- column NULL, all of them
  {counted}
),
cells AS (SELECT owner_org, col, n FROM counts WHERE col IS NOT NULL),
cols AS (
  SELECT col, sum(n) AS datasets, count(DISTINCT owner_org) AS publishing FROM cells GROUP BY col
),
tot AS (SELECT owner_org, n AS total FROM counts WHERE col IS NULL),
per AS (SELECT owner_org, jsonb_object_agg(col, n) AS cells FROM cells GROUP BY owner_org),
rows AS (
  SELECT inst.id, inst.name,
         {q.localized("inst.title", "inst.gextras->>'title_translated'")} AS title,
         coalesce(tot.total, 0) AS total, coalesce(per.cells, '{{}}'::jsonb) AS cells
  FROM inst LEFT JOIN tot ON tot.owner_org = inst.id LEFT JOIN per ON per.owner_org = inst.id
)
SELECT (SELECT coalesce(jsonb_object_agg(col, jsonb_build_array(datasets, publishing)),
                        '{{}}'::jsonb) FROM cols) AS columns,
       (SELECT count(*) FROM rows) AS count,
       (SELECT coalesce(jsonb_agg(to_jsonb(p)), '[]'::jsonb) FROM (
          SELECT * FROM rows {_order(paging)} LIMIT :limit OFFSET :offset) p) AS rows"""
    row = q.execute(statement, params).mappings().one()
    for column in columns:
        datasets, publishing = row["columns"].get(column["code"], [0, 0])
        column.update(datasets=int(datasets), publishing_institutions=int(publishing))
    return {"by": by, "count": row["count"], "columns": columns, "rows": row["rows"]}


def _type_label(dataset_type: str) -> dict[str, str]:
    labels = {"dataset": {"es": "Conjunto de datos", "en": "Dataset"},
              "procurement": {"es": "Contratación pública", "en": "Public procurement"},
              "commitment": {"es": "Compromiso de gobierno abierto",
                             "en": "Open government commitment"}}
    return labels[dataset_type]


OVERDUE_SORTS = ("due", "days_overdue", "name")


def overdue_list(filters: Filters, paging: Paging,
                 at: datetime.datetime | None = None) -> dict[str, Any]:
    """Overdue public datasets with their due dates (``ogpcatalog_overdue_dataset_list``)."""
    params = _params(at)
    params.update(limit=paging.limit, offset=paging.offset)
    statement = f"""
WITH {q.ctes(filters, params)},
rows AS (
  SELECT df.id, df.name, {q.localized("df.title", "df.title_translated")} AS title,
         df.type, df.frequency, df.last_change AS last_modified, df.due,
         extract(day FROM (:now - df.due))::int AS days_overdue,
         jsonb_build_object('id', inst.id, 'name', inst.name,
                            'title', {q.localized("inst.title", "inst.gextras->>'title_translated'")})
           AS institution
  FROM df JOIN inst ON inst.id = df.owner_org
  WHERE NOT df.private AND df.fresh = 'overdue'
)
SELECT rows.*, count(*) OVER () AS total_count FROM rows {_order(paging)}
LIMIT :limit OFFSET :offset"""
    return _paged(statement, params, ("last_modified", "due"))


QUALITY_SORTS = ("score", "name", *q.DIMENSIONS)


def quality_list(filters: Filters, paging: Paging, rating: str | None = None,
                 at: datetime.datetime | None = None) -> dict[str, Any]:
    """Per-dataset quality score and dimensions (``ogpcatalog_dataset_quality_list``)."""
    params = _params(at)
    params.update(limit=paging.limit, offset=paging.offset, rating=rating)
    dims = ", ".join(f"'{d}', round(page.{d}::numeric, 1)" for d in q.DIMENSIONS)
    statement = f"""
WITH {q.ctes(filters, params)},
rows AS (
  SELECT df.id, df.name, df.title, df.title_translated, df.type, df.owner_org, df.score,
         {q.rating_sql("df.score")} AS rating,
         {", ".join(f"df.{d}" for d in q.DIMENSIONS)}
  FROM df WHERE NOT df.private
),
page AS (
  SELECT rows.*, count(*) OVER () AS total_count FROM rows
  WHERE CAST(:rating AS text) IS NULL OR rating = :rating
  {_order(paging)} LIMIT :limit OFFSET :offset
)
SELECT page.id, page.name, {q.localized("page.title", "page.title_translated")} AS title,
       page.type,
       jsonb_build_object('id', inst.id, 'name', inst.name,
                          'title', {q.localized("inst.title", "inst.gextras->>'title_translated'")})
         AS institution,
       round(page.score::numeric, 1)::float AS score,
       round((100 * page.score / {q.MAX_SCORE})::numeric, 1)::float AS percent,
       page.rating, jsonb_build_object({dims}) AS dimensions,
       {", ".join(f"page.{d}" for d in q.DIMENSIONS)}, page.total_count
FROM page JOIN inst ON inst.id = page.owner_org
{_order(paging).replace("ORDER BY ", "ORDER BY page.").replace(", name ASC", ", page.name ASC")}"""
    result = _paged(statement, params, (), drop=q.DIMENSIONS)
    result["max_points"] = q.MAX_SCORE
    for row in result["results"]:
        row["dimensions"] = {k: float(v) for k, v in row["dimensions"].items()}
    return result


COMPLIANCE_SORTS = ("rank", "compliance_percent", "name", "missing", "overdue")


def compliance_list(filters: Filters, paging: Paging,
                    at: datetime.datetime | None = None) -> dict[str, Any]:
    """The compliance ranking (``ogpcatalog_compliance_list``)."""
    params = _params(at)
    params.update(limit=paging.limit, offset=paging.offset)
    statement = f"""
WITH {q.ctes(filters, params, obligations=True)},
rows AS (
  SELECT ranked.rank, inst.id, inst.name,
         {q.localized("inst.title", "inst.gextras->>'title_translated'")} AS title,
         inst.institution_type, ranked.applicable, ranked.met, ranked.missing, ranked.overdue,
         ranked.compliance_percent
  FROM ranked JOIN inst ON inst.id = ranked.inst_id
)
SELECT rows.*, count(*) OVER () AS total_count FROM rows {_order(paging)}
LIMIT :limit OFFSET :offset"""
    return _paged(statement, params, ())


def _paged(statement: str, params: dict[str, Any], dates: tuple[str, ...],
           drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """Rows of a statement that selects ``total_count`` (a window count before paging)."""
    rows = []
    count = None
    for row in q.execute(statement, params).mappings():
        item = dict(row)
        count = item.pop("total_count")
        for key in drop:
            item.pop(key, None)
        for key in dates:
            item[key] = _iso(item[key])
        rows.append(item)
    if count is None:
        count = 0
        if params["offset"]:  # past the end: count without paging
            params = dict(params, offset=0, limit=1)
            first = q.execute(statement, params).mappings().first()
            count = first["total_count"] if first else 0
    return {"count": count, "results": rows}



# The indicators :func:`filtered_history` rebuilds (the filters reach no stored snapshot).
HISTORY_INDICATORS = ("datasets_public", "publishing_institutions")


def filtered_history(indicator: str, filters: Filters, start: datetime.date | None = None,
                     end: datetime.date | None = None) -> list[dict[str, Any]]:
    """The monthly history of ``indicator`` for the datasets the filters select, rebuilt from
    the creation dates of today's public datasets (as the backfill does): one point per month
    end (today for the current month), ``source: "rebuilt"``."""
    params = _params()
    column = {"datasets_public": "count(pubd.id)",
              "publishing_institutions": "count(DISTINCT pubd.owner_org)"}[indicator]
    statement = f"""
WITH {q.ctes(filters, params)},
pubd AS (
  SELECT df.id, df.owner_org, p.metadata_created AS created
  FROM df JOIN package p ON p.id = df.id WHERE NOT df.private
),
ends AS (
  SELECT least((m + interval '1 month - 1 day')::date, CAST(:now AS date)) AS day
  FROM generate_series(date_trunc('month', (SELECT min(created) FROM pubd)),
                       date_trunc('month', CAST(:now AS timestamp)), interval '1 month') m
)
SELECT ends.day, {column} AS value
FROM ends LEFT JOIN pubd ON pubd.created < ends.day + 1
GROUP BY ends.day ORDER BY ends.day"""
    points = []
    for row in q.execute(statement, params).mappings():
        if (start and row["day"] < start) or (end and row["day"] > end):
            continue
        points.append({"date": row["day"].isoformat(), "value": float(row["value"]),
                       "source": "rebuilt"})
    return points
