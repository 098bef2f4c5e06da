"""`ckan ogpcatalog schedule`: every periodic job in one command, through CKAN's CLI on the
test database and Redis db: a due harvest source gets a job, a due OCDS retry is queued, the
day's snapshot is taken once; one failing job does not stop the others; SIGTERM stops it."""
from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

import ckan.lib.jobs as ckan_jobs
import ckan.model as model
from ckan.cli.cli import ckan

from ckanext.harvest import queue as harvest_queue
from ckanext.harvest.model import HarvestJob, HarvestSource
from ckanext.ogpcatalog.metrics import snapshots
from ckanext.ogpcatalog.metrics.model import snapshot_table
from ckanext.ogpcatalog.ocds import model as ocds_model

from tests.dcat import harvest_server as hs

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "queues"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG)]

REPO = Path(__file__).resolve().parents[2]
CKAN = Path(sys.executable).with_name("ckan")


@pytest.fixture
def queues():
    """The gather queue and CKAN's job queue, empty before and after."""
    redis = harvest_queue.get_connection()
    redis.delete(harvest_queue.get_gather_routing_key())
    ckan_jobs.get_queue().empty()
    yield
    redis.delete(harvest_queue.get_gather_routing_key())
    ckan_jobs.get_queue().empty()


@pytest.fixture
def due_source() -> str:
    """A DAILY harvest source whose next run has passed."""
    org = hs.institution("inec", "Instituto Nacional de Estadística y Censos",
                         "National Institute of Statistics and Census")
    src = hs.source("http://127.0.0.1:9/catalogo.ttl", org["id"], name="diaria")
    source = HarvestSource.get(src["id"])
    source.frequency = "DAILY"
    source.next_run = datetime.datetime.utcnow() - datetime.timedelta(hours=1)
    model.Session.commit()
    return src["id"]


@pytest.fixture
def due_ocds_retry() -> str:
    """A remote OCDS file whose server was down, due for a new attempt."""
    ocds_model.save("ocds-resource", "ocds-dataset", status=ocds_model.FETCH_FAILED, attempts=1,
                    next_attempt_at=ocds_model.now() - datetime.timedelta(minutes=1))
    return "ocds-resource"


def _schedule(cli, *args: str):
    return cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "schedule", "--once", *args])


def _harvest_jobs(source_id: str) -> list[HarvestJob]:
    model.Session.remove()
    return model.Session.query(HarvestJob).filter_by(source_id=source_id).all()


def _snapshots_taken() -> list[datetime.datetime]:
    model.Session.remove()
    return sorted({row.created for row in model.Session.execute(
        sa.select(snapshot_table.c.created).where(snapshot_table.c.source == "snapshot"))})


def _queued_jobs() -> list[str]:
    return [job.args[0] for job in ckan_jobs.get_queue().jobs]


def test_once_runs_every_due_job(cli, due_source, due_ocds_retry):
    result = _schedule(cli)

    assert result.exit_code == 0, result.output
    [job] = _harvest_jobs(due_source)
    assert job.status == "Running"  # sent to the gather queue
    assert _queued_jobs() == [due_ocds_retry]
    assert ocds_model.get(due_ocds_retry)["status"] == "pending"
    assert snapshots.has_snapshot(snapshots.today())
    for line in ("harvest: started", "snapshot: started",
                 f"snapshot: Snapshot of {snapshots.today().isoformat()} taken",
                 "ocds-retry: 1 validations queued"):
        assert line in result.output


def test_the_days_snapshot_is_taken_once(cli):
    first = _schedule(cli, "--job", "snapshot")
    taken = _snapshots_taken()
    second = _schedule(cli, "--job", "snapshot")

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert len(taken) == 1
    assert "taken" not in second.output
    assert _snapshots_taken() == taken


def test_no_snapshot_before_the_time_of_day(cli):
    result = _schedule(cli, "--job", "snapshot", "--snapshot-at", "23:59")

    assert result.exit_code == 0, result.output
    if datetime.datetime.now(datetime.timezone.utc).time() < datetime.time(23, 59):
        assert _snapshots_taken() == []


def test_one_failing_job_does_not_stop_the_others(cli, monkeypatch, due_source, due_ocds_retry):
    def broken(*_args, **_kwargs):
        raise RuntimeError("indicators unavailable")

    monkeypatch.setattr(snapshots, "measure", broken)

    result = _schedule(cli)

    assert result.exit_code != 0
    assert "snapshot: failed (indicators unavailable); next attempt in 3600 s" in result.output
    assert "Jobs that failed: snapshot" in result.output
    assert len(_harvest_jobs(due_source)) == 1  # the job before it ran
    assert _queued_jobs() == [due_ocds_retry]  # and the one after it
    assert _snapshots_taken() == []


def test_job_option_runs_only_the_named_jobs(cli, due_source, due_ocds_retry):
    result = _schedule(cli, "--job", "ocds-retry")

    assert result.exit_code == 0, result.output
    assert _queued_jobs() == [due_ocds_retry]
    assert _harvest_jobs(due_source) == []
    assert _snapshots_taken() == []


def test_a_zero_interval_turns_the_harvests_off(cli, due_source):
    result = _schedule(cli, "--job", "harvest", "--harvest-interval", "0")

    assert result.exit_code == 0, result.output
    assert "harvest: off" in result.output
    assert _harvest_jobs(due_source) == []


def test_a_malformed_time_of_day_is_refused(cli):
    result = _schedule(cli, "--snapshot-at", "2am")

    assert result.exit_code != 0
    assert "Not a time of day (HH:MM, UTC): 2am" in result.output


def test_former_metrics_scheduler_runs_the_snapshot_job_only(cli, due_source, due_ocds_retry):
    result = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "metrics", "scheduler", "--once"])

    assert result.exit_code == 0, result.output
    assert len(_snapshots_taken()) == 1
    assert _harvest_jobs(due_source) == [] and _queued_jobs() == []
    assert "harvest" not in result.output and "ocds-retry" not in result.output


@pytest.mark.skipif(sys.platform != "linux", reason="sends SIGTERM")
def test_sigterm_stops_the_scheduler_cleanly():
    process = subprocess.Popen(
        [str(CKAN), "-c", str(REPO / "test.ini"), "ogpcatalog", "--lang", "en", "schedule",
         "--job", "ocds-retry"],
        cwd=REPO, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # until the first run is over: then it waits
            lines.append(process.stdout.readline())
            if "validations queued" in lines[-1] or not lines[-1]:
                break
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, "".join(lines) + output
    assert output.strip().endswith("Scheduler stopped.")
