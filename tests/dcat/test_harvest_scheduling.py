"""Scheduled harvests: the `scheduler` that `make run` supervises (`ckan ogpcatalog schedule`)
does what `ckan harvester run` does, which starts a job for each source whose frequency makes
it due (tests/schedule/ runs the scheduler's harvest job).

The command runs for real as a subprocess on the test's database and Redis db.
"""
from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ckan import model

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestSource

from tests.dcat import harvest_server as hs

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG)]

REPO = Path(__file__).resolve().parents[2]
CKAN = Path(sys.executable).with_name("ckan")


@pytest.fixture
def gather_queue():
    redis = queue.get_connection()
    redis.delete(queue.get_gather_routing_key())
    yield redis
    redis.delete(queue.get_gather_routing_key())


def _source_last_harvested(server, org_id: str, name: str, frequency: str,
                           days_ago: float) -> str:
    """A source whose last job finished ``days_ago`` days ago, scheduled as ckanext-harvest
    scheduled it then (`next_run` = that run + the frequency)."""
    src = hs.source(server.serve(f"/{name}.ttl", hs.fixture("catalog.ttl")), org_id, name=name)
    source = HarvestSource.get(src["id"])
    source.frequency = frequency
    then = datetime.datetime.utcnow() - datetime.timedelta(days=days_ago)
    period = {"DAILY": datetime.timedelta(days=1), "WEEKLY": datetime.timedelta(weeks=1)}
    source.next_run = then + period[frequency] if frequency in period else None
    model.Session.add(HarvestJob(source=source, status="Finished", created=then,
                                 gather_started=then, gather_finished=then, finished=then))
    model.Session.commit()
    return src["id"]


def _jobs(source_id: str) -> list[HarvestJob]:
    return model.Session.query(HarvestJob).filter_by(source_id=source_id) \
        .order_by(HarvestJob.created).all()


def test_harvester_run_starts_due_daily_sources_not_manual_ones(server, gather_queue):
    org = hs.institution("inec", "Instituto Nacional de Estadística y Censos",
                         "National Institute of Statistics and Census")
    daily = _source_last_harvested(server, org["id"], "diaria", "DAILY", 2)
    weekly = _source_last_harvested(server, org["id"], "semanal", "WEEKLY", 2)
    manual = _source_last_harvested(server, org["id"], "manual", "MANUAL", 30)

    result = subprocess.run([str(CKAN), "-c", str(REPO / "test.ini"), "harvester", "run"],
                            cwd=REPO, env=dict(os.environ), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]

    model.Session.remove()
    [old, new] = _jobs(daily)
    assert new.status == "Running"  # sent to the gather queue
    queued = [json.loads(item)["harvest_job_id"]
              for item in gather_queue.lrange(queue.get_gather_routing_key(), 0, -1)]
    assert queued == [new.id]
    next_run = HarvestSource.get(daily).next_run
    assert datetime.timedelta(hours=23) < next_run - datetime.datetime.utcnow() \
        <= datetime.timedelta(days=1)
    assert len(_jobs(weekly)) == 1  # due in five days
    assert len(_jobs(manual)) == 1  # never scheduled


def test_make_run_supervises_the_scheduler_and_idle_proof_consumers():
    """`scripts/stack.sh` (`make run`) keeps the consumers and the scheduler, whose harvests
    run every `HARVEST_INTERVAL` seconds."""
    stack = (REPO / "scripts" / "stack.sh").read_text()
    supervised = re.search(r"^SUPERVISED=\(([^)]*)\)", stack, re.MULTILINE).group(1).split()
    assert {"harvest-gather", "harvest-fetch", "scheduler"} <= set(supervised)
    assert re.search(r'start_supervised scheduler -- .*ckan" -c "\$CKAN_INI" ogpcatalog schedule '
                     r'--harvest-interval "\$HARVEST_INTERVAL"$', stack, re.MULTILINE)
    for stage in ("gather", "fetch"):
        # the stock `harvester gather-consumer` dies after 5 idle seconds (redis-py 8)
        assert re.search(rf"start_supervised harvest-{stage} -- .*ogpcatalog harvest consumer "
                         rf"{stage}$", stack, re.MULTILINE)
