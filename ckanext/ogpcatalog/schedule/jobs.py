"""The periodic jobs of the portal, as ``ckan ogpcatalog schedule`` runs them.

- ``harvest``: what ``ckan harvester run`` does, the ``harvest_jobs_run`` action as the site
  user: starts the jobs of the sources that their frequency makes due, marks finished jobs as
  such and puts lost queue items back. Every ``ckanext.ogpcatalog.harvest.run_interval``
  seconds; left out when the ``harvest`` plugin is not loaded.
- ``snapshot``: the day's snapshot of the indicators (``ogpcatalog_metrics_snapshot_create``),
  once a day at or after ``ckanext.ogpcatalog.metrics.snapshot_at`` (HH:MM, UTC), looked for
  every ``ckanext.ogpcatalog.metrics.snapshot_check_interval`` seconds. A day is done when the
  database holds its snapshot, so a restart takes no second one; a failed snapshot is tried
  again ``ckanext.ogpcatalog.metrics.snapshot_retry_interval`` seconds later.
- ``ocds-retry``: what ``ckan ogpcatalog ocds retry`` does, the due new attempts of remote
  OCDS files whose server was down, every ``ckanext.ogpcatalog.ocds.retry_interval`` seconds.

An interval of 0 turns a job off.
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Iterable

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.metrics import snapshots
from ckanext.ogpcatalog.ocds import jobs as ocds_jobs
from ckanext.ogpcatalog.schedule.clock import Job

__all__ = ["JOB_NAMES", "OCDS_RETRY_LIMIT", "parse_time_of_day", "periodic_jobs"]

JOB_NAMES = ("harvest", "snapshot", "ocds-retry")
OCDS_RETRY_LIMIT = 100  # as `ckan ogpcatalog ocds retry`'s default --limit

_TIME_OF_DAY = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def parse_time_of_day(text: str) -> datetime.time:
    """``HH:MM`` (00:00 to 23:59) as a time; ValueError otherwise."""
    match = _TIME_OF_DAY.match(text.strip())
    if not match:
        raise ValueError(tk._("Not a time of day (HH:MM, UTC): {value}").format(value=text))
    return datetime.time(int(match[1]), int(match[2]))


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


def _seconds(key: str) -> int:
    return int(tk.config.get(key) or 0)


def _every(seconds: int) -> str:
    return tk._("every {seconds} s").format(seconds=seconds) if seconds > 0 else tk._("off")


# --- harvest ---

def run_harvests() -> str:
    tk.get_action("harvest_jobs_run")(_site_context(), {})
    return tk._("due harvest jobs started, finished ones closed")


def harvest_job(interval: int | None = None) -> Job:
    from ckan.plugins import plugin_loaded

    every = _seconds("ckanext.ogpcatalog.harvest.run_interval") if interval is None else interval
    if not plugin_loaded("harvest"):
        return Job("harvest", 0, run_harvests, plan=tk._("off (the harvest plugin is not loaded)"))
    return Job("harvest", every, run_harvests, plan=_every(every))


# --- snapshot ---

def snapshot_job(at: datetime.time | None = None) -> Job:
    if at is None:
        at = parse_time_of_day(tk.config.get("ckanext.ogpcatalog.metrics.snapshot_at") or "00:00")
    every = _seconds("ckanext.ogpcatalog.metrics.snapshot_check_interval")

    def due() -> bool:
        now = datetime.datetime.now(datetime.timezone.utc)
        return now.time() >= at and not snapshots.has_snapshot(now.date())

    def take() -> str:
        result = tk.get_action("ogpcatalog_metrics_snapshot_create")(_site_context(), {})
        return tk._("Snapshot of {date} taken").format(date=result["date"])

    plan = tk._("daily at or after {time} UTC, looked for every {seconds} s").format(
        time=at.strftime("%H:%M"), seconds=every) if every > 0 else tk._("off")
    return Job("snapshot", every, take, due=due,
               retry_after=_seconds("ckanext.ogpcatalog.metrics.snapshot_retry_interval"), plan=plan)


# --- ocds-retry ---

def retry_ocds() -> str:
    count = ocds_jobs.enqueue_due_retries(OCDS_RETRY_LIMIT)
    return tk._("{count} validations queued").format(count=count)


def ocds_retry_job() -> Job:
    every = _seconds("ckanext.ogpcatalog.ocds.retry_interval")
    return Job("ocds-retry", every, retry_ocds, plan=_every(every))


def periodic_jobs(names: Iterable[str] = JOB_NAMES, harvest_interval: int | None = None,
                  snapshot_at: datetime.time | None = None) -> list[Job]:
    """The jobs ``names`` (default: every job), in the order of :data:`JOB_NAMES`.
    ``harvest_interval`` and ``snapshot_at`` replace the config's values."""
    wanted = set(names)
    build = {"harvest": lambda: harvest_job(harvest_interval),
             "snapshot": lambda: snapshot_job(snapshot_at),
             "ocds-retry": ocds_retry_job}
    return [build[name]() for name in JOB_NAMES if name in wanted]
