"""The link check: is each resource's access URL (and download URL) reachable?

A CKAN background job (``tk.enqueue_job``) started by ``ogpcatalog_link_check_start``; results
go to ``ogpcatalog_link_check`` (one row per resource and URL field) and feed the quality
score's accessibility points, kept in the dataset facts: a batch whose results change a
resource's reachability marks its dataset's facts stale in the same transaction, and the job
brings the facts up to date when it ends (so the next page read has nothing to recompute).

Every request goes through the guarded client (:mod:`ckanext.ogpcatalog.net.client`): addresses
in private, loopback, link-local, shared or reserved networks are not fetched (they would let an
editor probe the portal's internal network), neither directly nor as a redirect hop, unless
listed in ``ckanext.ogpcatalog.net.allowed_addresses`` (or its alias for the link check,
``ckanext.ogpcatalog.metrics.link_check_allowed_private_addresses``). A malformed URL (a port out
of range...) is a broken link of its resource; the run goes on.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.metrics import facts
from ckanext.ogpcatalog.metrics import sql as q
from ckanext.ogpcatalog.metrics.model import link_check_table
from ckanext.ogpcatalog.net import client

log = logging.getLogger(__name__)
BATCH = 50


def targets(institution_id: str | None = None) -> list[tuple[str, str, str]]:
    """(resource id, field, URL) of every active resource of a public active dataset."""
    statement = """
SELECT r.id, f.field, f.url
FROM resource r
JOIN package p ON p.id = r.package_id
CROSS JOIN LATERAL (SELECT CASE WHEN r.extras LIKE '{%' THEN r.extras::jsonb END AS x) rx
CROSS JOIN LATERAL (VALUES ('url', r.url), ('download_url', rx.x->>'download_url')) AS f(field, url)
WHERE r.state = 'active' AND p.state = 'active' AND NOT p.private AND p.type <> 'harvest'
  AND coalesce(f.url, '') <> '' AND (CAST(:org AS text) IS NULL OR p.owner_org = :org)
ORDER BY r.id, f.field"""
    return [tuple(row) for row in q.execute(statement, {"org": institution_id})]


# Statuses after which a GET is tried: servers that refuse or break on HEAD.
RETRY_WITH_GET = frozenset({403, 405, 501})


def _status(method: str, url: str, limits: client.Limits) -> int:
    with client.open_url(method, url, purpose="link_check", limits=limits) as response:
        return response.status  # the body is never read


def check_url(url: str, timeout: float) -> tuple[bool, int | None, str | None]:
    """(reachable, HTTP status, error): HEAD, then GET when the server refuses HEAD; every
    redirect hop checked by the client. Never raises: a refused or malformed URL is an error
    of its own result."""
    limits = client.Limits(connect_timeout=timeout, read_timeout=timeout, deadline=3 * timeout)
    try:
        status = _status("HEAD", url, limits)
        if status in RETRY_WITH_GET or status >= 500:
            status = _status("GET", url, limits)
    except client.OutboundError as error:
        if error.code == "refused_address":
            return False, None, f"private address {error.params['address']}"
        return False, None, str(error)[:500]
    return status < 400, status, None


def _checked(url: str, timeout: float) -> tuple[bool, int | None, str | None]:
    """:func:`check_url`, and an unexpected failure as that URL's result, not the run's end."""
    try:
        return check_url(url, timeout)
    except Exception as error:  # noqa: BLE001 - one URL must never abort the whole run
        log.exception("Link check of %r failed", url)
        return False, None, f"check failed: {type(error).__name__}"


def run_link_check(institution_id: str | None = None,
                   progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """The job: check every target, storing results a batch at a time."""
    timeout = float(tk.config.get("ckanext.ogpcatalog.metrics.link_check_timeout") or 10)
    found = targets(institution_id)
    counts = {"checked": 0, "ok": 0, "failed": 0}
    batch: list[dict[str, Any]] = []
    for resource_id, field, url in found:
        ok, status, error = _checked(url, timeout)
        batch.append({"resource_id": resource_id, "field": field, "url": url, "ok": ok,
                      "status_code": status, "error": error, "checked_at": q.now()})
        counts["checked"] += 1
        counts["ok" if ok else "failed"] += 1
        if len(batch) >= BATCH:
            _store(batch)
            batch = []
        if progress:
            progress(1)
    if batch:
        _store(batch)
    facts.refresh()
    log.info("Link check: %(checked)s URLs, %(ok)s reachable, %(failed)s not", counts)
    return counts


def _store(batch: list[dict[str, Any]]) -> None:
    """Upsert a batch of results; the datasets whose resources changed reachability (or were
    checked for the first time) get their facts marked stale, in the same transaction."""
    table = link_check_table
    before = {(row.resource_id, row.field): row.ok for row in model.Session.execute(
        sa.select(table.c.resource_id, table.c.field, table.c.ok).where(
            table.c.resource_id.in_({item["resource_id"] for item in batch})))}
    changed = {item["resource_id"] for item in batch
               if before.get((item["resource_id"], item["field"])) != item["ok"]}
    statement = insert(link_check_table).values(batch)
    statement = statement.on_conflict_do_update(
        index_elements=["resource_id", "field"],
        set_={c: statement.excluded[c] for c in ("url", "ok", "status_code", "error",
                                                  "checked_at")})
    try:
        model.Session.execute(statement)
        facts.mark_stale_resources(changed)
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise


def results(resource_ids: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    rows = model.Session.execute(sa.select(link_check_table).where(
        link_check_table.c.resource_id.in_(resource_ids)))
    return {(r.resource_id, r.field): dict(r._mapping) for r in rows}
