"""The scheduler's loop: each job runs when its interval has passed and it has work, one job
after the other, until a signal asks the loop to stop.

A job that fails is reported and checked again after its retry delay; the others go on. The
loop never interrupts a running job: ``stopping`` is looked at between jobs and while waiting.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any, Callable, Iterable

import ckan.model as model

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Job:
    """One periodic job.

    ``every``: seconds between two checks (0 or less: never). ``due()``: whether there is work
    at a check (a job that always has work keeps the default). ``run()``: the work; returns its
    outcome, for the log. ``retry_after``: seconds before the next check after a failure
    (default ``every``). ``plan``: when it runs, in words, for the log at start.
    """

    name: str
    every: float
    run: Callable[[], str]
    due: Callable[[], bool] = lambda: True
    retry_after: float | None = None
    plan: str = ""


# What the loop reports: (job, "started", None), (job, "done", outcome),
# (job, "failed", (error, seconds until the next attempt)).
Report = Callable[[Job, str, Any], None]


def run(jobs: Iterable[Job], report: Report, stopping: threading.Event,
        once: bool = False) -> list[str]:
    """Run each job of ``jobs`` whenever it is due until ``stopping`` is set, or each due job
    once when ``once``. Returns the names of the jobs that failed, each once."""
    active = [job for job in jobs if job.every > 0]
    next_check = {job.name: 0.0 for job in active}
    failed: list[str] = []
    while not stopping.is_set():
        for job in active:
            if stopping.is_set():
                break
            started = time.monotonic()
            if started < next_check[job.name]:
                continue
            next_check[job.name] = started + job.every
            try:
                if not job.due():
                    continue
                report(job, "started", None)
                outcome = job.run()
            except Exception as error:  # one job's failure never stops the others
                log.exception("scheduled job %s failed", job.name)
                retry = job.every if job.retry_after is None else job.retry_after
                next_check[job.name] = started + retry
                if job.name not in failed:
                    failed.append(job.name)
                report(job, "failed", (error, retry))
            else:
                report(job, "done", outcome)
            finally:
                model.Session.remove()  # the next job starts with a fresh session
        if once:
            break
        wait = min(next_check.values(), default=None)
        stopping.wait(None if wait is None else max(0.0, wait - time.monotonic()))
    return failed
