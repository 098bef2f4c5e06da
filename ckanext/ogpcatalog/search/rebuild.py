"""Rebuild the whole search index in place, in parallel, interruptibly.

CKAN's ``search-index rebuild -c`` clears the index first and commits once at the end:
interrupted, it leaves an empty catalogue. Here every dataset is re-indexed over its old
row (each row is replaced whole, in batches that commit), and rows of datasets that no
longer exist are swept only once every dataset has been indexed. Interrupted at any point,
the index holds, for each dataset, either its new row or its previous one.

The work is split across worker processes (``package_show`` of each dataset dominates and
is CPU-bound Python); each worker reports progress through a shared counter.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from typing import Callable

import sqlalchemy as sa

import ckan.logic as logic
import ckan.model as model
from ckan.common import config

from . import schema
from .connection import mark_changed

log = logging.getLogger(__name__)


def dataset_ids() -> list[str]:
    query = model.Session.query(model.Package.id)
    if config.get("ckan.search.remove_deleted_packages"):
        query = query.filter(model.Package.state != "deleted")
    return [row[0] for row in query.order_by(model.Package.id)]


def _index_batch(ids: list[str]) -> None:
    context = {"ignore_auth": True}
    for package_id in ids:
        logic.index_update_package(context, package_id, True)
    model.Session.commit()


def _worker(app, ids: list[str], batch: int, done, failed, stop) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    parent = os.getppid()
    model.meta.engine.dispose(close=False)  # never share the parent's connections
    with app.test_request_context():
        for start in range(0, len(ids), batch):
            # A parent killed outright (SIGKILL) cannot set `stop`: orphaned, stop too.
            if stop.is_set() or os.getppid() != parent:
                break
            chunk = ids[start:start + batch]
            try:
                _index_batch(chunk)
            except Exception:  # noqa: BLE001 - report and go on with the next batch
                log.exception("Indexing a batch failed; retrying its datasets one by one")
                model.Session.rollback()
                for package_id in chunk:
                    try:
                        _index_batch([package_id])
                    except Exception:  # noqa: BLE001
                        model.Session.rollback()
                        log.exception("Could not index dataset %s", package_id)
                        with failed.get_lock():
                            failed.value += 1
            with done.get_lock():
                done.value += len(chunk)
        model.Session.remove()


def sweep_stale_rows(ids: list[str]) -> int:
    """Delete index rows of datasets that are not in ``ids`` (purged, or deleted when
    ``ckan.search.remove_deleted_packages`` is on)."""
    result = model.Session.execute(
        sa.text(f"DELETE FROM {schema.INDEX_TABLE} WHERE site_id = :site AND NOT (id = ANY(:ids))"),
        {"site": config.get("ckan.site_id"), "ids": ids})
    model.Session.execute(sa.text(f"UPDATE {schema.STATE_TABLE} SET rebuild_required = false"))
    mark_changed(model.Session)  # the commit renews the change token
    model.Session.commit()
    return result.rowcount


def rebuild_index(app, workers: int = 2, batch: int = 200,
                  progress: Callable[[int, int], None] | None = None) -> dict:
    """Re-index every dataset. Returns counts and timing; raises KeyboardInterrupt after
    stopping the workers cleanly if interrupted."""
    schema.ensure_schema()
    ids = dataset_ids()
    model.Session.remove()
    total = len(ids)
    workers = max(1, min(workers, total or 1))
    context = multiprocessing.get_context("fork")
    done = context.Value("i", 0)
    failed = context.Value("i", 0)
    stop = context.Event()
    shares = [ids[n::workers] for n in range(workers)]
    started = time.perf_counter()
    processes = [context.Process(target=_worker, args=(app, share, batch, done, failed, stop))
                 for share in shares]
    for process in processes:
        process.start()
    try:
        while any(p.is_alive() for p in processes):
            if progress:
                progress(done.value, total)
            time.sleep(0.5)
    except KeyboardInterrupt:
        stop.set()
        for process in processes:
            process.join()
        raise
    finally:
        for process in processes:
            process.join()
    if progress:
        progress(done.value, total)
    swept = sweep_stale_rows(ids) if not stop.is_set() else 0
    with model.meta.engine.connect() as connection:
        connection.execute(sa.text(f"ANALYZE {schema.INDEX_TABLE}"))
        connection.commit()
    elapsed = time.perf_counter() - started
    return {"datasets": total, "indexed": done.value - failed.value, "failed": failed.value,
            "swept": swept, "seconds": round(elapsed, 2),
            "datasets_per_second": round(total / elapsed, 1) if elapsed else None, "workers": workers}
