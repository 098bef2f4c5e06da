"""Per-institution rollups of the dataset facts: what the portal-wide indicators add up.

The summary, the institutions' rows and the coverage matrices add up every dataset of the
portal; at 50,000 datasets each of them would aggregate 50,000 fact rows on every read. They
read instead, from three tables derived from the facts (migration a1c3e0f00004):

- ``ogpcatalog_institution_rollup``: per institution, dataset type, visibility and harvested
  flag: the datasets, resources, open and machine-readable formats, datasets with a frequency
  and with evidence, the sums of the quality points of each dimension and of the score, and
  the datasets of each rating (a few thousand rows);
- ``ogpcatalog_institution_counts``: per institution and dataset type, the public datasets of
  each theme (``kind = 'theme'``) and the resources of each format (``kind = 'format'``);
- ``ogpcatalog_obligation_fulfilment``: per institution and obligation, the last change of
  the public datasets that fulfil it (their names, for one institution's page, come from the
  facts).

They are rewritten from the facts in the transaction that changes the facts (:mod:`.facts`):
for the institutions of the changed rows, before and after the change, when the refresh knows
them (the stale marks), otherwise (the full comparison, a rebuild) for every institution. The
counts (integers) of the changed rows are moved instead (:func:`changing`: their old
contribution taken away before the change, the new one added after), which costs in
proportion to the changed datasets; the sums of points (floats, which would drift) and the
last changes (a maximum) are recomputed per institution.
Freshness depends on "now", so it is never rolled up: the up-to-date datasets are counted in
the facts (a partial index on ``due``).

A dataset has several themes, so a rollup cannot tell which of its datasets have a theme: with
a theme filter the indicators aggregate the facts themselves (:func:`.sql.ctes`), as they do
in the tests that compare both ways for every indicator.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import sqlalchemy as sa

from ckanext.ogpcatalog.metrics import sql as q
from ckanext.ogpcatalog.metrics.filters import Filters
from ckanext.ogpcatalog.metrics.model import (
    COUNTS_TABLE, FACTS_TABLE, FULFILMENT_TABLE, ROLLUP_TABLE,
)

SUMMED = ("datasets", "resources", "open_fmt", "mr_fmt", "with_period", "with_evidence",
          *q.DIMENSIONS, "score", *q.RATINGS)


def usable(filters: Filters) -> bool:
    """Whether the rollups answer for these filters (not with a theme filter)."""
    return not filters.theme


def _count_rows() -> str:
    """SQL: the (institution, type, kind, code) contributions of the public fact rows whose
    ids ``:ids`` holds, counted."""
    rows = (f"FROM {FACTS_TABLE} WHERE package_id IN (SELECT unnest(CAST(:ids AS text[]))) "
            "AND NOT private AND owner_org IS NOT NULL")
    return f"""
SELECT owner_org, type, kind, code, count(*) AS n FROM (
  SELECT owner_org, type, 'theme' AS kind, unnest(themes) AS code {rows}
  UNION ALL
  SELECT owner_org, type, 'format', unnest(formats) {rows}) x
GROUP BY owner_org, type, kind, code"""


@contextmanager
def changing(connection: sa.engine.Connection, package_ids: list[str]) -> Iterator[None]:
    """Keep the rollups right around a change of these datasets' fact rows, in the block's
    transaction: their counts taken away before and added after, and the sums of their
    institutions, before and after the change (an owner change touches both), rewritten."""
    institutions = institutions_of(connection, package_ids)
    _move_counts(connection, package_ids, -1)
    yield
    _move_counts(connection, package_ids, 1)
    rewrite(connection, institutions | institutions_of(connection, package_ids))


def _move_counts(connection: sa.engine.Connection, package_ids: list[str], sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) these datasets' fact rows' theme and format counts,
    on the connection: -1 before their rows change, 1 after."""
    if not package_ids:
        return
    if sign < 0:
        connection.execute(sa.text(f"""
UPDATE {COUNTS_TABLE} c SET n = c.n - d.n FROM ({_count_rows()}) d
WHERE c.owner_org = d.owner_org AND c.type = d.type AND c.kind = d.kind AND c.code = d.code"""),
                           {"ids": package_ids})
        return
    connection.execute(sa.text(f"""
INSERT INTO {COUNTS_TABLE} (owner_org, type, kind, code, n) {_count_rows()}
ON CONFLICT (owner_org, type, kind, code) DO UPDATE SET n = {COUNTS_TABLE}.n + EXCLUDED.n"""),
                       {"ids": package_ids})
    connection.execute(sa.text(f"DELETE FROM {COUNTS_TABLE} WHERE n <= 0"))


def _rewrite_statements(scoped: bool) -> list[str]:
    """Rewrite the rollups from the facts: of the institutions ``:orgs`` when ``scoped`` (the
    sums and last changes: the counts are moved by :func:`changing`), else all of them."""
    # a hashed semi-join: `= ANY(array)` would compare each row with every institution
    where = " AND owner_org IN (SELECT unnest(CAST(:orgs AS text[])))" if scoped else ""
    ratings = ", ".join(f"count(*) FILTER (WHERE {q.rating_range(r)})" for r in q.RATINGS)
    dimensions = ", ".join(f"sum({d})" for d in (*q.DIMENSIONS, "score"))
    public = f"FROM {FACTS_TABLE} WHERE NOT private AND owner_org IS NOT NULL{where}"
    statements = [
        f"DELETE FROM {ROLLUP_TABLE} WHERE true{where}",
        f"""
INSERT INTO {ROLLUP_TABLE} (owner_org, type, private, harvested, {", ".join(SUMMED)})
SELECT owner_org, type, private, harvested, count(*), sum(resources), sum(open_fmt),
       sum(mr_fmt), count(*) FILTER (WHERE has_period), count(*) FILTER (WHERE with_evidence),
       {dimensions}, {ratings}
FROM {FACTS_TABLE} WHERE owner_org IS NOT NULL{where}
GROUP BY owner_org, type, private, harvested""",
        f"DELETE FROM {FULFILMENT_TABLE} WHERE true{where}",
        f"""
INSERT INTO {FULFILMENT_TABLE} (owner_org, code, last_change)
SELECT owner_org, code, max(last_change)
FROM (SELECT owner_org, unnest(obligations) AS code, last_change {public}) d
GROUP BY owner_org, code""",
    ]
    if not scoped:
        statements += [
            f"DELETE FROM {COUNTS_TABLE} WHERE true{where}",
            f"""
INSERT INTO {COUNTS_TABLE} (owner_org, type, kind, code, n)
SELECT owner_org, type, 'theme', code, count(*)
FROM (SELECT owner_org, type, unnest(themes) AS code {public}) t GROUP BY owner_org, type, code
UNION ALL
SELECT owner_org, type, 'format', code, count(*)
FROM (SELECT owner_org, type, unnest(formats) AS code {public}) f GROUP BY owner_org, type, code""",
        ]
    return statements


def institutions_of(connection: sa.engine.Connection, package_ids: list[str]) -> set[str]:
    """The institutions of these datasets' fact rows."""
    rows = connection.execute(sa.text(
        f"SELECT DISTINCT owner_org FROM {FACTS_TABLE} "
        "WHERE package_id = ANY(CAST(:ids AS text[])) AND owner_org IS NOT NULL"),
        {"ids": package_ids})
    return {row[0] for row in rows}


def rewrite(connection: sa.engine.Connection, institutions: Iterable[str] | None = None) -> None:
    """Rewrite the rollups from the facts, on the connection (in its transaction): all of
    them, or with ``institutions`` their sums and last changes (see :func:`changing`)."""
    if institutions is not None:
        orgs = sorted(set(institutions))
        if not orgs:
            return
        for statement in _rewrite_statements(scoped=True):
            connection.execute(sa.text(statement), {"orgs": orgs})
        return
    for statement in _rewrite_statements(scoped=False):
        connection.execute(sa.text(statement))


def ctes(filters: Filters, params: dict[str, Any], *, obligations: bool = False) -> str:
    """The WITH list of the rollups' answers: ``inst`` (institutions in scope, as in
    :func:`.sql.ctes`), the rule CTEs, ``r`` (the rollup rows in scope), ``fr`` (per
    institution and type, the public datasets up to date at ``:now``), ``tc_theme`` and
    ``tc_format`` (the counts of themes and formats in scope) and, with ``obligations``, the obligations' CTEs."""
    types = ""
    if filters.dataset_type:
        params["f_dataset_type"] = list(filters.dataset_type)
        types = " AND {alias}.type = ANY(:f_dataset_type)"
    sql = f"""{q.scope_ctes(filters, params)},
r AS (
  SELECT * FROM {ROLLUP_TABLE} r
  WHERE r.owner_org IN (SELECT id FROM inst){types.format(alias="r")}
),
fr AS (
  -- freshness depends on "now": counted in the facts (partial index on due)
  SELECT f.owner_org, f.type, count(*) AS up_to_date
  FROM {FACTS_TABLE} f
  WHERE NOT f.private AND f.has_period AND f.due > :now
    AND f.owner_org IN (SELECT id FROM inst){types.format(alias="f")}
  GROUP BY f.owner_org, f.type
),
tc_theme AS (
  SELECT c.owner_org, c.type, c.code, c.n FROM {COUNTS_TABLE} c
  WHERE c.kind = 'theme' AND c.owner_org IN (SELECT id FROM inst){types.format(alias="c")}
),
tc_format AS (
  SELECT c.owner_org, c.type, c.code, c.n FROM {COUNTS_TABLE} c
  WHERE c.kind = 'format' AND c.owner_org IN (SELECT id FROM inst){types.format(alias="c")}
)"""
    if obligations:
        sql += "," + q.obligation_ctes()
    return sql


def public(column: str) -> str:
    """SQL: the sum of a rollup column over the public groups (0 when none)."""
    return f"coalesce(sum({column}) FILTER (WHERE NOT private), 0)::bigint"


def average(column: str) -> str:
    """SQL: the public datasets' average of a summed column, rounded as the indicators do."""
    return (f"round((sum({column}) FILTER (WHERE NOT private) "
            f"/ nullif(sum(datasets) FILTER (WHERE NOT private), 0))::numeric, 1)")
