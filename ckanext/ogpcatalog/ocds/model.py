"""The stored outcome of each OCDS resource's validation: one row per resource.

``status`` is ``pending`` (queued or running), ``valid``, ``invalid`` (read, with errors),
``unreadable`` (not OCDS JSON: empty, not JSON, too large...), ``fetch_failed`` (the remote
address did not answer; retried with backoff up to a bounded number of attempts) or ``error``
(the validation could not run: schema not configured, unexpected failure). ``problem``
holds a code and parameters (translated when shown), ``summary`` the figures of the data.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.model as model
import ckan.plugins.toolkit as tk

PENDING = "pending"
VALID = "valid"
INVALID = "invalid"
UNREADABLE = "unreadable"
FETCH_FAILED = "fetch_failed"
ERROR = "error"
# A resource without a declared format whose content turned out not to be OCDS: kept so that it is
# not fetched again on every save, never shown.
NOT_OCDS = "not_ocds"
STATUSES = (PENDING, VALID, INVALID, UNREADABLE, FETCH_FAILED, ERROR, NOT_OCDS)

summary_table = sa.Table(
    "ogpcatalog_ocds_summary",
    tk.BaseModel.metadata,
    sa.Column("resource_id", sa.UnicodeText, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Index("ogpcatalog_ocds_summary_package_id_idx", "package_id"),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("source", sa.UnicodeText, nullable=False, server_default=""),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("problem", postgresql.JSONB),
    sa.Column("summary", postgresql.JSONB, nullable=False, server_default="{}"),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_dict(row: Any) -> dict[str, Any]:
    return {
        "resource_id": row.resource_id,
        "package_id": row.package_id,
        "status": row.status,
        "source": row.source,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at.isoformat() if row.next_attempt_at else None,
        "problem": row.problem,
        "summary": row.summary or {},
        "created": row.created.isoformat(),
        "updated": row.updated.isoformat(),
    }


def get(resource_id: str) -> dict[str, Any] | None:
    row = model.Session.execute(
        sa.select(summary_table).where(summary_table.c.resource_id == resource_id)).first()
    return as_dict(row) if row else None


def for_package(package_id: str) -> dict[str, dict[str, Any]]:
    rows = model.Session.execute(
        sa.select(summary_table).where(summary_table.c.package_id == package_id)).all()
    return {row.resource_id: as_dict(row) for row in rows}


def save(resource_id: str, package_id: str, **values: Any) -> None:
    """Insert or update one row in a transaction of its own: never commits (or rolls back)
    the work of the action or job around it."""
    stamp = now()
    values = {"package_id": package_id, "updated": stamp, **values}
    statement = postgresql.insert(summary_table).values(
        resource_id=resource_id, created=stamp, **{"status": PENDING, **values})
    statement = statement.on_conflict_do_update(index_elements=["resource_id"], set_=values)
    with model.meta.engine.begin() as connection:
        connection.execute(statement)


def delete(*resource_ids: str) -> None:
    if not resource_ids:
        return
    with model.meta.engine.begin() as connection:
        connection.execute(sa.delete(summary_table).where(summary_table.c.resource_id.in_(resource_ids)))


def due_retries(limit: int = 20) -> list[tuple[str, str, int]]:
    """Resources whose fetch failed and whose next attempt is due: (resource, package, attempts)."""
    rows = model.Session.execute(
        sa.select(summary_table.c.resource_id, summary_table.c.package_id, summary_table.c.attempts)
        .where(summary_table.c.status == FETCH_FAILED)
        .where(summary_table.c.next_attempt_at.isnot(None))
        .where(summary_table.c.next_attempt_at <= now())
        .order_by(summary_table.c.next_attempt_at).limit(limit)).all()
    return [(r.resource_id, r.package_id, r.attempts) for r in rows]
