"""History: daily snapshots of the indicators, the monthly backfill and the time series.

Table ``ogpcatalog_metrics_snapshot``: one value per (day, indicator, scope, scope_key), scope
``portal`` (key "") or ``institution`` (key: organization id). A snapshot replaces that day's
rows in one transaction; the backfill writes one month per transaction and never overwrites a
day that has a real snapshot, so both are idempotent and an interruption leaves whole days.
"""
from __future__ import annotations

import datetime
from typing import Any, Callable

import sqlalchemy as sa

import ckan.model as model

from ckanext.ogpcatalog.metrics import indicators
from ckanext.ogpcatalog.metrics import sql as q
from ckanext.ogpcatalog.metrics.filters import Filters
from ckanext.ogpcatalog.metrics.model import snapshot_table

PORTAL_INDICATORS = ("datasets", "datasets_public", "datasets_private", "datasets_harvested",
                     "resources", "open_format_share", "machine_readable_share",
                     "publishing_institutions", "up_to_date_share", "overdue_datasets",
                     "quality_average", "compliance_percent")
INSTITUTION_INDICATORS = tuple(i for i in PORTAL_INDICATORS if i != "publishing_institutions")
BACKFILL_INDICATORS = ("datasets", "datasets_public", "resources", "publishing_institutions")

# institution list row key -> snapshot indicator
_ROW_KEYS = {"datasets": "datasets", "public": "datasets_public", "private": "datasets_private",
             "harvested": "datasets_harvested", "resources": "resources",
             "open_format_share": "open_format_share",
             "machine_readable_share": "machine_readable_share",
             "up_to_date_share": "up_to_date_share", "overdue": "overdue_datasets",
             "quality_average": "quality_average", "compliance_percent": "compliance_percent"}


def today() -> datetime.date:
    return datetime.datetime.now(datetime.timezone.utc).date()


def measure(at: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Every indicator now: rows ``{"indicator", "scope", "scope_key", "value"}``."""
    summary = indicators.summary(Filters(), at)
    portal = {
        "datasets": summary["datasets"]["total"],
        "datasets_public": summary["datasets"]["public"],
        "datasets_private": summary["datasets"]["private"],
        "datasets_harvested": summary["datasets"]["harvested"],
        "resources": summary["resources"]["total"],
        "open_format_share": summary["resources"]["open_format_share"],
        "machine_readable_share": summary["resources"]["machine_readable_share"],
        "publishing_institutions": summary["institutions"]["publishing"],
        "up_to_date_share": summary["freshness"]["up_to_date_share"],
        "overdue_datasets": summary["freshness"]["overdue"],
        "quality_average": summary["quality"]["average"],
        "compliance_percent": summary["obligations"]["compliance_percent"],
    }
    rows = [{"indicator": k, "scope": "portal", "scope_key": "", "value": v}
            for k, v in portal.items()]
    for row in indicators.institution_rows(Filters(), at):
        rows.extend({"indicator": indicator, "scope": "institution", "scope_key": row["id"],
                     "value": row[key]} for key, indicator in _ROW_KEYS.items())
    return rows


def take_snapshot(day: datetime.date | None = None, at: datetime.datetime | None = None
                  ) -> dict[str, Any]:
    """Measure every indicator and store it as ``day``'s snapshot (replacing that day)."""
    day = day or today()
    rows = measure(at)
    created = q.now()
    try:
        model.Session.execute(snapshot_table.delete().where(snapshot_table.c.day == day))
        if rows:
            model.Session.execute(snapshot_table.insert(), [
                {**row, "value": None if row["value"] is None else float(row["value"]),
                 "day": day, "source": "snapshot", "created": created} for row in rows])
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    return {"date": day.isoformat(), "rows": len(rows)}


def has_snapshot(day: datetime.date) -> bool:
    return model.Session.execute(sa.select(snapshot_table.c.day).where(
        snapshot_table.c.day == day, snapshot_table.c.source == "snapshot").limit(1)
    ).first() is not None


def month_ends(until: datetime.date | None = None) -> list[datetime.date]:
    """The last day of every month from the oldest dataset's creation to the month before
    ``until`` (default today)."""
    first = model.Session.execute(sa.text(
        "SELECT min(metadata_created) FROM package WHERE state = 'active' AND type <> 'harvest'")
    ).scalar()
    if first is None:
        return []
    until = until or today()
    ends = []
    year, month = first.year, first.month
    while (year, month) < (until.year, until.month):
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        ends.append(datetime.date(next_year, next_month, 1) - datetime.timedelta(days=1))
        year, month = next_year, next_month
    return ends


_BACKFILL_SQL = """
WITH inst AS (
  SELECT g.id FROM "group" g WHERE g.is_organization AND g.state = 'active'
),
d AS (
  SELECT p.id, p.owner_org, p.private FROM package p JOIN inst ON inst.id = p.owner_org
  WHERE p.state = 'active' AND p.type <> 'harvest' AND p.metadata_created < :cutoff
),
r AS (
  SELECT d.owner_org, count(*) AS n FROM resource r JOIN d ON d.id = r.package_id
  WHERE r.state = 'active' AND NOT d.private AND coalesce(r.created, :cutoff) < :cutoff
  GROUP BY d.owner_org
)
SELECT inst.id AS owner_org,
       count(d.id) AS datasets,
       count(d.id) FILTER (WHERE NOT d.private) AS datasets_public,
       coalesce(max(r.n), 0) AS resources
FROM inst LEFT JOIN d ON d.owner_org = inst.id LEFT JOIN r ON r.owner_org = inst.id
GROUP BY inst.id"""


def backfill_month(day: datetime.date) -> int:
    """Rebuild ``day``'s backfilled points in one transaction; 0 when it has a snapshot."""
    if has_snapshot(day):
        return 0
    cutoff = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    per = q.execute(_BACKFILL_SQL, {"cutoff": cutoff}).mappings().all()
    rows = [{"indicator": "datasets", "scope": "portal", "scope_key": "",
             "value": sum(r["datasets"] for r in per)},
            {"indicator": "datasets_public", "scope": "portal", "scope_key": "",
             "value": sum(r["datasets_public"] for r in per)},
            {"indicator": "resources", "scope": "portal", "scope_key": "",
             "value": sum(r["resources"] for r in per)},
            {"indicator": "publishing_institutions", "scope": "portal", "scope_key": "",
             "value": sum(1 for r in per if r["datasets_public"])}]
    for r in per:
        if not r["datasets"]:
            continue
        rows.extend({"indicator": k, "scope": "institution", "scope_key": r["owner_org"],
                     "value": r[k]} for k in ("datasets", "datasets_public", "resources"))
    created = q.now()
    try:
        model.Session.execute(snapshot_table.delete().where(
            snapshot_table.c.day == day, snapshot_table.c.source == "backfill"))
        model.Session.execute(snapshot_table.insert(), [
            {**row, "value": float(row["value"]), "day": day, "source": "backfill",
             "created": created} for row in rows])
        model.Session.commit()
    except BaseException:  # KeyboardInterrupt included: never leave half a month
        model.Session.rollback()
        raise
    return len(rows)


def backfill(days: list[datetime.date] | None = None,
             progress: Callable[[datetime.date, int], None] | None = None) -> dict[str, int]:
    """Rebuild the monthly points (one transaction per month)."""
    days = month_ends() if days is None else days
    counts = {"months": 0, "skipped": 0, "rows": 0}
    for day in days:
        written = backfill_month(day)
        if written:
            counts["months"] += 1
            counts["rows"] += written
        else:
            counts["skipped"] += 1
        if progress:
            progress(day, written)
    return counts


def series(indicator: str, institution_id: str | None, interval: str,
           start: datetime.date | None, end: datetime.date | None) -> list[dict[str, Any]]:
    """The stored points of one indicator, each month's last point with ``month``."""
    table = snapshot_table
    where = [table.c.indicator == indicator,
             table.c.scope == ("institution" if institution_id else "portal"),
             table.c.scope_key == (institution_id or "")]
    if start:
        where.append(table.c.day >= start)
    if end:
        where.append(table.c.day <= end)
    query = sa.select(table.c.day, table.c.value, table.c.source).where(*where)
    if interval == "month":
        month = sa.func.date_trunc("month", table.c.day)
        query = query.distinct(month).order_by(month, table.c.day.desc())
    else:
        query = query.order_by(table.c.day)
    points = [{"date": r.day.isoformat(), "value": r.value, "source": r.source}
              for r in model.Session.execute(query)]
    return sorted(points, key=lambda p: p["date"])
