"""The OCDS validation of procurement resources: when to run it, and the background job.

A resource of a ``procurement`` dataset is a candidate when its format says JSON/OCDS or its
address ends in ``.json``/``.jsonl`` (``declared``), or when it has no format and no other known
extension (``sniff``: the job looks at the content and drops the resource silently if it is not
OCDS). Saving a dataset or resource enqueues a job for each candidate whose address, format,
size or modification date changed since the last validation.

The job fetches the file, detects its kind, validates it with libcoveocds (offline) and stores a
summary (:mod:`.model`). A remote address that is down is tried again with exponential backoff,
up to ``ckanext.ogpcatalog.ocds.max_attempts`` attempts: CKAN's worker has no scheduler, so due
retries are enqueued at the end of every OCDS job and by ``ckan ogpcatalog ocds retry``.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import ckan.model as ckan_model
import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.logic import json_input
from ckanext.ogpcatalog.ocds import detect, fetch, model, standard, summary, validate

log = logging.getLogger(__name__)

DATASET_TYPE = "procurement"
MAX_VALUES_KEY = "ckanext.ogpcatalog.ocds.max_values"
# its declared default, also where no CKAN config is loaded (bench/ocds.py, scripts)
DEFAULT_MAX_VALUES = 2_000_000
JSON_FORMATS = {"json", "ocds", "jsonl", "json lines", "ndjson", "application/json", "ocds json", "json/ocds"}
JSON_EXTENSIONS = (".json", ".jsonl", ".ndjson")
OTHER_EXTENSIONS = (".csv", ".xlsx", ".xls", ".ods", ".pdf", ".zip", ".gz", ".xml", ".html", ".htm",
                    ".doc", ".docx", ".txt", ".rdf", ".ttl", ".geojson", ".shp", ".png", ".jpg")
WATCHED_ACTIONS = {"package_create", "package_update", "package_delete", "resource_create",
                   "resource_update", "resource_delete"}


# --- which resources, when ---

def candidate(resource: dict[str, Any]) -> str:
    """``declared``, ``sniff`` or "" (not an OCDS JSON candidate)."""
    fmt = (resource.get("format") or "").strip().lower()
    path = urlsplit(resource.get("url") or "").path.lower()
    if fmt in JSON_FORMATS or path.endswith(JSON_EXTENSIONS):
        return "declared"
    if not fmt and not path.endswith(OTHER_EXTENSIONS) and resource.get("url"):
        return "sniff"
    return ""


def source_of(resource: dict[str, Any]) -> str:
    """What identifies the file's version: a change means validating again."""
    return "|".join(str(resource.get(key) or "") for key in ("url", "format", "size", "last_modified"))


def on_action_succeeded(sender: str, **kwargs: Any) -> None:
    """ISignal listener of ``action_succeeded``: never lets a failure reach the user's action.

    The work runs in a savepoint: a database error (say, the summaries table missing because
    `ckan db upgrade -p ogpcatalog` was not run) is rolled back to it, and the request's
    session stays usable."""
    if sender not in WATCHED_ACTIONS:
        return
    try:
        with ckan_model.Session.begin_nested():
            _schedule(sender, kwargs)
    except Exception:  # noqa: BLE001 (the dataset was saved; validation is best effort)
        log.exception("OCDS validation could not be scheduled after %s", sender)


def _schedule(sender: str, kwargs: dict[str, Any]) -> None:
    if sender == "resource_delete":
        model.delete((kwargs.get("data_dict") or {}).get("id", ""))
        return
    if sender == "package_delete":
        dataset_changed((kwargs.get("data_dict") or {}).get("id", ""))
        return
    result = kwargs.get("result")
    if not isinstance(result, dict):
        return
    package_id = result.get("package_id") if sender.startswith("resource_") else result.get("id")
    if package_id:
        dataset_changed(package_id)


def dataset_changed(package_id: str) -> list[str]:
    """Enqueue the candidates of a procurement dataset that changed; forget removed ones.
    Returns the ids of the resources enqueued."""
    package = ckan_model.Package.get(package_id)
    if package is None:
        return []
    known = model.for_package(package.id)
    if package.type != DATASET_TYPE or package.state == "deleted":
        model.delete(*known)
        return []
    current: dict[str, dict[str, Any]] = {}
    for resource in package.resources:
        current[resource.id] = {
            "id": resource.id, "url": resource.url, "format": resource.format, "size": resource.size,
            "last_modified": resource.last_modified.isoformat() if resource.last_modified else "",
            "url_type": resource.url_type}
    model.delete(*[rid for rid in known if rid not in current])
    enqueued = []
    for resource_id, resource in current.items():
        if not candidate(resource):
            if resource_id in known:
                model.delete(resource_id)
            continue
        source = source_of(resource)
        if resource_id in known and known[resource_id]["source"] == source:
            continue
        enqueue(resource_id, package.id, source)
        enqueued.append(resource_id)
    return enqueued


def enqueue(resource_id: str, package_id: str, source: str | None = None, attempt: int = 1) -> None:
    """Mark the resource pending and queue its job (default queue)."""
    values: dict[str, Any] = {"status": model.PENDING, "next_attempt_at": None, "problem": None,
                              "attempts": attempt - 1}
    if source is not None:
        values["source"] = source
    model.save(resource_id, package_id, **values)
    try:
        tk.enqueue_job(validate_resource, [resource_id], {"attempt": attempt},
                       title=f"OCDS validation of resource {resource_id}",
                       rq_kwargs={"timeout": fetch.setting("job_timeout")})
    except Exception:  # noqa: BLE001 (Redis down: say so on the page, keep the dataset saved)
        log.exception("could not queue the OCDS validation of %s", resource_id)
        model.save(resource_id, package_id, status=model.ERROR,
                   problem={"code": "queue_unavailable", "params": {}})


def enqueue_due_retries(limit: int = 20) -> int:
    due = model.due_retries(limit)
    for resource_id, package_id, attempts in due:
        enqueue(resource_id, package_id, attempt=attempts + 1)
    return len(due)


# --- the job ---

def analyse(raw: bytes, location: str | None = None) -> dict[str, Any]:
    """The whole summary of a file's bytes; raises ``detect.FileProblem`` for unreadable files
    and ``standard.StandardNotConfigured`` when the schema is missing."""
    started = time.perf_counter()
    check_size(raw)
    parsed = detect.detect(raw)
    result: dict[str, Any] = {
        "kind": parsed.kind,
        "kinds": sorted(set(parsed.kinds)),
        "layout": parsed.layout,
        "items": len(parsed.values),
        "bytes": len(raw),
        "encoding": parsed.encoding,
    }
    result.update(summary.summarize(parsed.values, parsed.kinds))
    result.update(validate.validate(parsed, location))
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def check_size(raw: bytes) -> None:
    """Refuse, before parsing, a file whose validation would take too much memory or
    recursion: more JSON values than ``ckanext.ogpcatalog.ocds.max_values`` (the memory of
    parsing and validating grows with them, about 200 bytes each), or arrays and objects
    nested deeper than ``ckanext.ogpcatalog.json.max_nesting``.

    :raises detect.FileProblem: ``too_many_values`` or ``too_deep``
    """
    try:
        json_input.check_nesting(raw)
    except json_input.TooDeep as error:
        raise detect.FileProblem("too_deep", **error.params) from None
    value = tk.config.get(MAX_VALUES_KEY)
    limit = int(value) if value not in (None, "") else DEFAULT_MAX_VALUES
    if (count := json_input.value_count(raw)) > limit:
        raise detect.FileProblem("too_many_values", count=count, limit=limit,
                                 setting=MAX_VALUES_KEY)


def _retry_delay(attempt: int) -> dt.timedelta:
    base = fetch.setting("retry_delay")
    return dt.timedelta(seconds=base * 2 ** (attempt - 1))


def validate_resource(resource_id: str, attempt: int = 1) -> dict[str, Any] | None:
    """The background job: validate one resource and store its summary. Returns the stored row
    (None when the resource is gone or turned out not to be OCDS)."""
    try:
        return _validate_resource(resource_id, attempt)
    finally:
        try:
            enqueue_due_retries()
        except Exception:  # noqa: BLE001
            log.exception("could not enqueue the due OCDS retries")


def _validate_resource(resource_id: str, attempt: int) -> dict[str, Any] | None:
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        model.delete(resource_id)
        return None
    package_id = resource["package_id"]
    package = ckan_model.Package.get(package_id)
    kind_of_candidate = candidate(resource)
    if package is None or package.type != DATASET_TYPE or package.state == "deleted" or not kind_of_candidate:
        model.delete(resource_id)
        return None
    try:
        raw = fetch.fetch(resource)
    except fetch.FetchError as error:
        max_attempts = fetch.setting("max_attempts")
        retry = error.retryable and attempt < max_attempts
        problem = {"code": error.code, "params": error.params, "will_retry": retry,
                   "attempt": attempt, "attempts": max_attempts}
        model.save(resource_id, package_id, attempts=attempt, problem=problem,
                   status=model.FETCH_FAILED if error.retryable else model.UNREADABLE,
                   next_attempt_at=model.now() + _retry_delay(attempt) if retry else None)
        return model.get(resource_id)
    try:
        result = analyse(raw)
    except detect.FileProblem as problem:
        if kind_of_candidate == "sniff":
            model.save(resource_id, package_id, status=model.NOT_OCDS, attempts=attempt,
                       problem={"code": problem.code, "params": problem.params}, summary={})
            return None
        model.save(resource_id, package_id, status=model.UNREADABLE, attempts=attempt,
                   problem={"code": problem.code, "params": problem.params},
                   summary={"bytes": len(raw)})
        return model.get(resource_id)
    except standard.StandardNotConfigured as error:
        log.error("OCDS schema not available (%s: %s)", error, error.location)
        model.save(resource_id, package_id, status=model.ERROR, attempts=attempt,
                   problem={"code": "schema_unavailable", "params": {}})
        return model.get(resource_id)
    except Exception:  # noqa: BLE001 (a bug must not leave the resource pending forever)
        log.exception("OCDS validation of %s failed", resource_id)
        model.save(resource_id, package_id, status=model.ERROR, attempts=attempt,
                   problem={"code": "internal", "params": {}})
        return model.get(resource_id)
    result["validated_at"] = model.now().isoformat()
    model.save(resource_id, package_id, status=model.VALID if result["valid"] else model.INVALID,
               attempts=attempt, problem=None, next_attempt_at=None, summary=result)
    return model.get(resource_id)
