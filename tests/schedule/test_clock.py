"""The scheduler's loop on its own: due jobs run, a failing job waits for its retry delay while
the others go on, a stop request ends the loop between jobs."""
from __future__ import annotations

import threading
import time

from ckanext.ogpcatalog.schedule.clock import Job, run


def _recorder():
    events: list[tuple[str, str]] = []
    return events, lambda job, event, _detail: events.append((job.name, event))


def _failing() -> str:
    raise RuntimeError("the database is down")


def test_once_runs_each_due_job_and_skips_those_without_work():
    events, report = _recorder()
    jobs = [Job("a", 60, lambda: "done a"), Job("b", 60, lambda: "done b", due=lambda: False),
            Job("off", 0, lambda: "never")]

    failed = run(jobs, report, threading.Event(), once=True)

    assert failed == []
    assert events == [("a", "started"), ("a", "done")]


def test_a_failing_job_is_retried_after_its_delay_while_the_others_go_on():
    events, report = _recorder()
    stopping = threading.Event()
    jobs = [Job("broken", 0.05, _failing, retry_after=60), Job("healthy", 0.05, lambda: "ok")]
    loop = threading.Thread(target=lambda: failed.extend(run(jobs, report, stopping)))
    failed: list[str] = []

    loop.start()
    time.sleep(0.5)
    stopping.set()
    loop.join(timeout=5)

    assert not loop.is_alive()
    assert failed == ["broken"]
    assert events.count(("broken", "failed")) == 1  # not again before 60 s
    assert events.count(("healthy", "done")) >= 3


def test_a_stop_request_ends_the_wait_at_once():
    _events, report = _recorder()
    stopping = threading.Event()
    loop = threading.Thread(target=run, args=([Job("hourly", 3600, lambda: "ok")], report, stopping))

    loop.start()
    time.sleep(0.2)
    started = time.monotonic()
    stopping.set()
    loop.join(timeout=5)

    assert not loop.is_alive() and time.monotonic() - started < 1
