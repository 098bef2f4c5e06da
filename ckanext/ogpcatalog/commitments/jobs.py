"""Commitments imports (and dry runs) too large for a web request: a background job (CKAN's
RQ queue) whose state and counts an administrator follows on the import page.

The state of each import is one JSON value in Redis (``ogpcatalog:commitments-import:<id>``,
kept :data:`KEEP_SECONDS`): ``state`` (``queued``, ``running``, ``finished``, ``failed``),
``rows_total``, ``rows_done``, ``counts`` so far, and when finished the import's whole answer
(``result``, what the synchronous action returns). A row is still the unit of work, as in the
request: it is written whole (its own transaction) or not at all, so a job that stops (an
error, the worker's timeout, a restart) leaves no row half-written, and its state says how many
rows were done before it stopped.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.lib import jobs as ckan_jobs
from ckan.lib.redis import connect_to_redis
from flask import has_request_context

from ckanext.ogpcatalog.commitments import importer
from ckanext.ogpcatalog.language.context import language_request

log = logging.getLogger(__name__)

__all__ = ["ROWS_KEY", "background_rows", "enqueue", "run_import", "status"]

ROWS_KEY = "ckanext.ogpcatalog.commitments.background_rows"
KEEP_SECONDS = 7 * 24 * 3600
QUEUED, RUNNING, FINISHED, FAILED = "queued", "running", "finished", "failed"


def background_rows() -> int:
    """Imports of more rows than this run as a background job."""
    return int(tk.config.get(ROWS_KEY))


def _key(import_id: str) -> str:
    return f"ogpcatalog:commitments-import:{import_id}"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _save(state: dict[str, Any]) -> None:
    connect_to_redis().set(_key(state["id"]), json.dumps(state), ex=KEEP_SECONDS)


def _load(import_id: str) -> dict[str, Any] | None:
    raw = connect_to_redis().get(_key(import_id))
    return json.loads(raw) if raw else None


def enqueue(work: dict[str, Any], rows_total: int, user: str, language: str) -> dict[str, Any]:
    """Queue the import described by ``work`` (the action's validated input) and return its
    first state."""
    import_id = str(uuid.uuid4())
    state = {"id": import_id, "state": QUEUED, "dry_run": bool(work.get("dry_run")),
             "user": user, "rows_total": rows_total, "rows_done": 0,
             "counts": {}, "created": _now(), "started": None, "finished": None,
             "error": None, "result": None}
    _save(state)
    tk.enqueue_job(run_import, [import_id, work, user, language],
                   title=f"Commitments import {import_id}",
                   rq_kwargs={"job_id": import_id})
    return state


def status(import_id: str) -> dict[str, Any] | None:
    """The state of an import, or None when unknown (or expired). A job that the worker lost
    (killed at its timeout, a crash) is reported ``failed``, not ``running`` for ever."""
    state = _load(import_id)
    if state is None or state["state"] not in (QUEUED, RUNNING):
        return state
    try:
        job = ckan_jobs.job_from_id(import_id)
        lost = job.get_status() in ("failed", "stopped", "canceled")
    except KeyError:
        lost = True  # the job is gone from RQ while its state says it is not done
    if lost:
        state.update(state=FAILED, finished=state.get("finished") or _now(),
                     error=state.get("error") or tk._(
                         "The import job stopped before the end (the worker's time limit or a "
                         "restart). The rows counted here were imported; the others were not."))
    return state


def _language(language: str) -> AbstractContextManager:
    """The request context of the user's language for the job's messages."""
    from ckan.config.middleware import _internal_test_request_context as internal

    if has_request_context() or internal is None:
        return nullcontext()
    return language_request(internal.app, language)


def run_import(import_id: str, work: dict[str, Any], user: str, language: str,
               runner: Callable[..., dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """The background job: run the import, keeping its state up to date row by row.

    :param runner: what imports (default: :func:`.importer.run_file`)
    """
    state = _load(import_id) or {"id": import_id, "rows_total": 0, "counts": {}}
    state.update(state=RUNNING, started=_now(), rows_done=0, counts={})
    _save(state)

    def progress(report: dict[str, Any]) -> None:
        state["rows_done"] += 1
        state["counts"][report["outcome"]] = state["counts"].get(report["outcome"], 0) + 1
        _save(state)

    with _language(language):
        try:
            result = (runner or importer.run_file)(user, work, progress)
        except tk.ValidationError as error:
            messages = [str(m) for value in error.error_dict.values()
                        for m in (value if isinstance(value, list) else [value])]
            state.update(state=FAILED, finished=_now(), error="; ".join(messages))
            _save(state)
            return None
        except Exception as error:  # noqa: BLE001 - the page must say the job failed
            log.exception("Commitments import %s failed", import_id)
            state.update(state=FAILED, finished=_now(), error=tk._(
                "The import stopped on an unexpected error: {error}. The rows counted here "
                "were imported; the others were not.").format(error=error))
            _save(state)
            return None
    state.update(state=FINISHED, finished=_now(), counts=result["counts"], result=result,
                 rows_done=len(result["rows"]))
    _save(state)
    return state
