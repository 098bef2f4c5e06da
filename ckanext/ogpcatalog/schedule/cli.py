"""`ckan ogpcatalog schedule`: every periodic job of the portal in one long-running process."""
from __future__ import annotations

import datetime
import signal
import threading
from typing import Any

import click

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.language.cli_help import TranslatedCommand
from ckanext.ogpcatalog.schedule import clock
from ckanext.ogpcatalog.schedule.jobs import JOB_NAMES, parse_time_of_day, periodic_jobs

__all__ = ["schedule"]


class _Log:
    """The scheduler's log on standard output (failures on standard error). A long-running
    scheduler's lines start with the time (UTC); a ``--once`` run's do not (its caller has
    the time)."""

    def __init__(self, timestamps: bool):
        self.timestamps = timestamps

    def line(self, text: str, err: bool = False) -> None:
        if self.timestamps:
            now = datetime.datetime.now(datetime.timezone.utc)
            text = f"{now:%Y-%m-%dT%H:%M:%SZ} {text}"
        click.echo(text, err=err)

    def report(self, job: clock.Job, event: str, detail: Any) -> None:
        if event == "started":
            self.line(tk._("{job}: started").format(job=job.name))
        elif event == "done":
            self.line(f"{job.name}: {detail}")
        else:
            error, seconds = detail
            self.line(tk._("{job}: failed ({error}); next attempt in {seconds} s").format(
                job=job.name, error=error, seconds=int(seconds)), err=True)


def _time_of_day(_ctx: click.Context, _param: click.Parameter,
                 value: str | None) -> datetime.time | None:
    try:
        return parse_time_of_day(value) if value else None
    except ValueError as error:
        raise click.BadParameter(str(error))


@click.command("schedule", cls=TranslatedCommand,
               short_help=N_("Run the periodic jobs: harvests, metrics snapshot, OCDS retries"),
               help=N_(
    "Run every periodic job of the portal: harvests (what `ckan harvester run` does), the "
    "day's metrics snapshot and the new attempts of OCDS files whose server was down.\n\n"
    "Each job runs at its own interval (ckanext.ogpcatalog.harvest.run_interval, "
    "metrics.snapshot_at, metrics.snapshot_check_interval, ocds.retry_interval); a job that "
    "fails is logged and tried again later while the others go on. Stops on SIGTERM or Ctrl-C "
    "once the running job is over. Run exactly one per portal."))
@click.option("--once", is_flag=True, help=N_(
    "Run the jobs that are due, once, and exit (with an error if one of them failed)."))
@click.option("--job", "jobs", multiple=True, type=click.Choice(JOB_NAMES), help=N_(
    "Only this job (repeat the option for several); default: every job."))
@click.option("--harvest-interval", type=click.IntRange(0), metavar="SECONDS", help=N_(
    "Seconds between two harvest runs, instead of ckanext.ogpcatalog.harvest.run_interval "
    "(0: no harvests)."))
@click.option("--snapshot-at", callback=_time_of_day, metavar="HH:MM", help=N_(
    "Time of day (UTC) from which the day's metrics snapshot is taken, instead of "
    "ckanext.ogpcatalog.metrics.snapshot_at."))
def schedule(once: bool, jobs: tuple[str, ...], harvest_interval: int | None,
             snapshot_at: datetime.time | None):
    log = _Log(timestamps=not once)
    try:
        planned = periodic_jobs(jobs or JOB_NAMES, harvest_interval, snapshot_at)
    except ValueError as error:  # a malformed snapshot_at in the config
        tk.error_shout(error)
        raise click.Abort()
    for job in planned:
        log.line(f"{job.name}: {job.plan}")

    stopping = threading.Event()

    def stop(_signum: int, _frame: Any) -> None:
        # The first signal lets the running job finish; a second one interrupts it.
        if stopping.is_set():
            raise KeyboardInterrupt
        stopping.set()

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        failed = clock.run(planned, log.report, stopping, once=once)
    except KeyboardInterrupt:
        failed = []
        log.line(tk._("Interrupted."))
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if once and failed:
        tk.error_shout(tk._("Jobs that failed: {jobs}").format(jobs=", ".join(failed)))
        raise click.Abort()
    if not once:
        log.line(tk._("Scheduler stopped."))
