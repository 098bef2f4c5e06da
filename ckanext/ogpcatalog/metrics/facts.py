"""The dataset facts table (``ogpcatalog_dataset_facts``): per-dataset figures, kept fresh.

The indicators aggregate one row per active dataset (type, institution, themes, tags, resource
and format counts, quality points, due date...). Computing those from CKAN's tables on every
call costs seconds at 50,000 datasets, so they are stored, and refreshed in SQL:

* **incrementally**, before the indicators are read (:func:`refresh`), from one of two checks:

  - the **marks** (every read): writes through CKAN mark the datasets they touch in
    ``ogpcatalog_dataset_facts_stale``, in the writing transaction: the plugin's
    ``after_dataset_create``, ``after_dataset_update`` (resource and tag changes go through
    ``package_update``) and ``delete`` (``package_delete``), and, for what CKAN writes without those
    hooks (``dataset_purge``, ``package_owner_org_update``), the ORM's flush of a ``package``
    row (:func:`listen`). The check is one probe of that small table; the marked datasets are
    recomputed (or their rows dropped) and their marks consumed in one transaction;
  - the **full comparison** (at most every ``ckanext.ogpcatalog.metrics.facts_check_seconds``
    per process, 0 = on every read, and whenever the rules changed): it also finds the
    datasets whose ``metadata_modified`` differs from the one their row was computed from,
    the new ones and the rows of datasets no longer active (deleted, purged, turned into a
    harvest source): what writes that bypass CKAN (SQL, bulk loads) leave behind. When there
    are any, one ``INSERT ... SELECT ... ON CONFLICT`` recomputes the changed ones (consuming
    the marks in the same statement) and one DELETE drops the others, in one transaction;

* **fully** by ``ckan ogpcatalog metrics facts-rebuild`` (:func:`rebuild`), one transaction per
  batch of datasets, so an interruption leaves whole, valid rows only.

The link-check results of a dataset's resources change without the dataset changing: the link
check marks the datasets whose resources changed reachability (:func:`mark_stale_resources`,
in the transaction that stores the results). Institution attributes and "now" (freshness) are
never stored: they are joined or compared when the indicators aggregate. The rules (frequency
periods, formats, licenses, access-right codes, the obligations' match rules, the version of
the facts' SQL) are versioned: each row keeps a digest of them and a change of rules makes
every row stale.

Beside the rows, the per-institution rollups (:mod:`.rollups`) are rewritten by every refresh
or rebuild that changed a row, in its transaction: for the institutions of the marked
datasets, or for all after a full comparison or a rebuild.

Writes that bypass CKAN are seen by the full comparison when they change ``metadata_modified``
(within ``facts_check_seconds``); otherwise run the rebuild.

Concurrency: each row is stamped with the ``metadata_modified`` it was computed from, read in the
same snapshot as the rest of the row, so a dataset written while the refresh runs keeps a
different stamp (and a mark committed after the refresh consumed the marks) and is recomputed on
the next read (the full comparison compares for equality, not order: stamps set in the past, or
out of commit order, are caught too). Refreshes take a transaction-scoped advisory lock, so two
requests do not recompute the same rows at once. The check (a read) runs on the request's
session; the refresh, when there is something to do, on a connection of its own, committed
there: a read-only request's session writes nothing.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable

import psycopg2.errors
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.metrics import sql as q
from ckanext.ogpcatalog.metrics import rollups
from ckanext.ogpcatalog.metrics.model import FACTS_TABLE, STALE_TABLE

log = logging.getLogger(__name__)

LOCK = "SELECT pg_advisory_xact_lock(hashtext('ogpcatalog_dataset_facts'))"
SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"

# Active datasets whose row is missing, stale or computed under other rules.
DIRTY = f"""
SELECT p.id FROM package p
LEFT JOIN {FACTS_TABLE} f ON f.package_id = p.id
WHERE p.state = 'active' AND p.type <> 'harvest'
  AND (f.package_id IS NULL OR f.metadata_modified IS DISTINCT FROM p.metadata_modified
       OR f.rules <> :rules)"""

# Rows of datasets that are no longer active datasets (deleted, purged, harvest sources).
GONE = f"""
SELECT f.package_id FROM {FACTS_TABLE} f
WHERE NOT EXISTS (SELECT 1 FROM package p WHERE p.id = f.package_id AND p.state = 'active'
                  AND p.type <> 'harvest')"""

# Stale marks, or a dataset whose row is missing, stale, of other rules, or of a dataset no
# longer active: one pass over two index-only scans (migration a1c3e0f00003's indexes).
CHECK = f"""
SELECT EXISTS (SELECT 1 FROM {STALE_TABLE}) OR EXISTS (
  SELECT 1
  FROM (SELECT id, metadata_modified FROM package
        WHERE state = 'active' AND type <> 'harvest') p
  FULL JOIN (SELECT package_id, metadata_modified, rules FROM {FACTS_TABLE}) f
    ON f.package_id = p.id
  WHERE p.id IS NULL OR f.package_id IS NULL
     OR f.metadata_modified IS DISTINCT FROM p.metadata_modified OR f.rules <> :rules)"""

# The check of every read between two full comparisons: any mark?
MARKED = f"SELECT EXISTS (SELECT 1 FROM {STALE_TABLE})"

# Consumed by the same statement that recomputes (one snapshot: a mark committed after it
# started stays for the next refresh).
CONSUME_ALL = f"DELETE FROM {STALE_TABLE} RETURNING package_id"
CONSUME_IDS = f"DELETE FROM {STALE_TABLE} WHERE package_id = ANY(:ids) RETURNING package_id"

MARK = (f"INSERT INTO {STALE_TABLE} (package_id, marked) "
        "VALUES (:id, now() AT TIME ZONE 'UTC') ON CONFLICT (package_id) DO NOTHING")
MARK_RESOURCES = f"""
INSERT INTO {STALE_TABLE} (package_id, marked)
SELECT DISTINCT package_id, now() AT TIME ZONE 'UTC' FROM resource
WHERE id = ANY(CAST(:ids AS text[])) AND package_id IS NOT NULL
ON CONFLICT (package_id) DO NOTHING"""

CHECK_SECONDS = "ckanext.ogpcatalog.metrics.facts_check_seconds"

# Per process and database: when the last full comparison started, under which rules.
_last_full_check: dict[str, tuple[float, str]] = {}


def upsert_sql(scope: str, consume: str) -> str:
    """SQL: one statement that consumes the stale marks (``consume``, a DELETE ... RETURNING
    package_id, seen by ``scope`` as ``done``) and recomputes the facts of the datasets
    ``scope`` yields."""
    columns = ", ".join(q.FACT_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in q.FACT_COLUMNS if c != "package_id")
    return (f"WITH done AS ({consume})\n"
            f"INSERT INTO {FACTS_TABLE} ({columns})\n{q.facts_select(scope)}\n"
            f"ON CONFLICT (package_id) DO UPDATE SET {updates}")


INCREMENTAL_SCOPE = f"SELECT package_id AS id FROM done UNION {DIRTY}"
BATCH_SCOPE = "SELECT unnest(CAST(:ids AS text[])) AS id"
NOTHING_TO_CONSUME = "SELECT NULL::text AS package_id WHERE false"
DELETE_GONE = f"DELETE FROM {FACTS_TABLE} WHERE package_id IN ({GONE})"
# The same among the marked datasets only (by the primary key: no scan of the table).
DELETE_GONE_IDS = f"""
DELETE FROM {FACTS_TABLE} f
WHERE f.package_id = ANY(CAST(:ids AS text[]))
  AND NOT EXISTS (SELECT 1 FROM package p WHERE p.id = f.package_id AND p.state = 'active'
                  AND p.type <> 'harvest')"""


def mark_stale(package_id: str | None) -> None:
    """Mark a dataset's facts stale, in the transaction that writes the dataset, so the next
    read recomputes them (also when CKAN keeps ``metadata_modified``, as when a sysadmin or
    harvester sends it back unchanged, e.g. in ``resource_delete``). Called by the plugin's
    ``after_dataset_create``, ``after_dataset_update`` and ``delete`` (``package_delete``)."""
    if not package_id:
        return
    try:
        with model.Session.begin_nested():  # a failure must not undo the dataset's write
            model.Session.execute(sa.text(MARK), {"id": package_id})
    except sa.exc.ProgrammingError as error:
        if not isinstance(error.orig, psycopg2.errors.UndefinedTable):
            raise
        log.warning("%s is missing: run `ckan db upgrade -p ogpcatalog`", STALE_TABLE)


def mark_stale_resources(resource_ids: set[str] | list[str]) -> None:
    """Mark the facts of the datasets of these resources stale, in the session's transaction
    (the link check, when their results change)."""
    if resource_ids:
        model.Session.execute(sa.text(MARK_RESOURCES), {"ids": sorted(resource_ids)})


def listen() -> None:
    """Mark the datasets whose ``package`` row the ORM updates or deletes, in the flush's
    transaction: what CKAN writes without the dataset hooks (``dataset_purge``,
    ``package_owner_org_update``). Idempotent; called by the plugin."""
    for event in ("after_update", "after_delete"):
        if not sa.event.contains(model.Package, event, _package_flushed):
            sa.event.listen(model.Package, event, _package_flushed)


def _package_flushed(mapper: Any, connection: sa.engine.Connection, target: Any) -> None:
    if not target.id or not _stale_table_exists(connection):
        return
    connection.execute(sa.text(MARK), {"id": target.id})


def _stale_table_exists(connection: sa.engine.Connection) -> bool:
    return bool(connection.execute(sa.text("SELECT to_regclass(:name) IS NOT NULL"),
                                   {"name": f"public.{STALE_TABLE}"}).scalar())


def _full_check_due(rules: str) -> bool:
    """Whether this read compares every dataset's stamp (see the module's docstring)."""
    seconds = tk.asint(tk.config.get(CHECK_SECONDS) or 0)
    if seconds <= 0:
        return True
    last = _last_full_check.get(str(model.meta.engine.url))
    return last is None or last[1] != rules or time.monotonic() - last[0] >= seconds


def _rule_params(params: dict[str, Any] | None) -> dict[str, Any]:
    if params is None:
        params = q.base_params()
    return {key: params[key] for key in (*q.rule_params_keys(), "rules")}


def refresh(params: dict[str, Any] | None = None) -> dict[str, int]:
    """Bring the facts up to date (see the module's docstring); cheap when nothing changed.

    :param params: :func:`.sql.base_params` (computed when omitted)
    :returns: ``{"updated", "removed"}`` row counts
    """
    params = _rule_params(params)
    engine = model.meta.engine
    full = _full_check_due(params["rules"])
    started = time.monotonic()
    # the check reads only: on the request's own session (no connection to check out)
    stale = model.Session.execute(sa.text(CHECK if full else MARKED), params).scalar()
    counts = {"updated": 0, "removed": 0}
    if stale:
        with engine.begin() as connection:
            connection.execute(sa.text(SETTINGS))
            connection.execute(sa.text(LOCK))  # a concurrent refresh finishes first
            if full:
                counts["removed"] = connection.execute(sa.text(DELETE_GONE)).rowcount
                counts["updated"] = connection.execute(
                    sa.text(upsert_sql(INCREMENTAL_SCOPE, CONSUME_ALL)), params).rowcount
                if counts["updated"] or counts["removed"]:
                    rollups.rewrite(connection)
            else:  # the marked datasets only, their marks consumed in this transaction
                ids = [row[0] for row in connection.execute(sa.text(CONSUME_ALL))]
                with rollups.changing(connection, ids):
                    counts["removed"] = connection.execute(sa.text(DELETE_GONE_IDS),
                                                           {"ids": ids}).rowcount
                    counts["updated"] = connection.execute(
                        sa.text(upsert_sql(BATCH_SCOPE, NOTHING_TO_CONSUME)),
                        {**params, "ids": ids}).rowcount
        log.debug("Dataset facts: %s updated, %s removed", counts["updated"], counts["removed"])
    if full:
        _last_full_check[str(engine.url)] = (started, params["rules"])
    return counts


def active_dataset_ids() -> list[str]:
    with model.meta.engine.connect() as connection:
        return [row[0] for row in connection.execute(sa.text(q.ALL_DATASETS + " ORDER BY id"))]


def rebuild(batch_size: int = 2000, progress: Callable[[int], None] | None = None,
            ids: list[str] | None = None) -> dict[str, int]:
    """Recompute every active dataset's facts, ``batch_size`` datasets per transaction, then
    drop the rows of datasets no longer active. Interrupting keeps whole batches only.

    :param progress: called with the number of datasets of each finished batch
    :returns: ``{"updated", "removed"}``
    """
    params = _rule_params(None)
    ids = active_dataset_ids() if ids is None else ids
    engine = model.meta.engine
    counts = {"updated": 0, "removed": 0}
    statement = sa.text(upsert_sql(BATCH_SCOPE, CONSUME_IDS))
    for start in range(0, len(ids), batch_size):
        batch = ids[start:start + batch_size]
        with engine.begin() as connection:  # one transaction per batch
            connection.execute(sa.text(SETTINGS))
            connection.execute(sa.text(LOCK))
            # the batch's rollups in the batch's transaction: an interruption leaves them
            # consistent with the rows written
            with rollups.changing(connection, batch):
                counts["updated"] += connection.execute(
                    statement, {**params, "ids": batch}).rowcount
        if progress:
            progress(len(batch))
    with engine.begin() as connection:
        connection.execute(sa.text(SETTINGS))
        connection.execute(sa.text(LOCK))
        counts["removed"] = connection.execute(sa.text(DELETE_GONE)).rowcount
        rollups.rewrite(connection)
    return counts
