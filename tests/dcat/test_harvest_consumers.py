"""Real harvest consumers (``ckan ogpcatalog harvest-consumer fetch`` as subprocesses, the
command `make run` supervises) on the test's database and Redis db: a consumer killed with
SIGKILL in the middle of an import leaves nothing half-written and no duplicate; a new consumer
imports the remaining objects; ``harvester run`` puts the killed object back on the queue, so
the job completes; a job that cannot complete is timed out and reported.
"""
from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests.helpers import call_action

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject

from tests.dcat import harvest_server as hs
from tests.dcat.harvest_server import english_reports  # noqa: F401  (fixture)

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG),
              pytest.mark.usefixtures("english_reports")]

REPO = Path(__file__).resolve().parents[2]
CKAN = Path(sys.executable).with_name("ckan")
RECORDS = 6
BLOCKED = 2  # the queue position of the object the consumer is killed in


def _catalogue(count: int) -> bytes:
    lines = ["@prefix dcat: <http://www.w3.org/ns/dcat#> .",
             "@prefix dct: <http://purl.org/dc/terms/> .",
             "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
             "<https://datos.obras.example.gob/org/mtop> a foaf:Organization ;",
             '  foaf:name "Ministerio de Transporte y Obras Públicas"@es .', ""]
    for n in range(1, count + 1):
        uri = f"https://datos.obras.example.gob/dataset/contratos-obra-{n}"
        lines += [
            f"<{uri}> a dcat:Dataset ;",
            f'  dct:identifier "mtop-contratos-{n}" ;',
            f'  dct:title "Contratos de obra pública, lote {n}"@es, '
            f'"Public works contracts, batch {n}"@en ;',
            f'  dct:description "Contratos de obra del lote {n}."@es ;',
            "  dct:publisher <https://datos.obras.example.gob/org/mtop> ;",
            f"  dcat:distribution <{uri}/csv>, <{uri}/json> .",
            f'<{uri}/csv> a dcat:Distribution ; dct:title "Lote {n} (CSV)"@es ;',
            f"  dcat:accessURL <https://datos.obras.example.gob/files/lote-{n}.csv> .",
            f'<{uri}/json> a dcat:Distribution ; dct:title "Lote {n} (JSON)"@es ;',
            f"  dcat:accessURL <https://datos.obras.example.gob/files/lote-{n}.json> .", ""]
    return "\n".join(lines).encode()


def _purge_queues() -> None:
    redis = queue.get_connection()
    for key in (queue.get_fetch_routing_key(), queue.get_gather_routing_key()):
        redis.delete(key)
        for pending in redis.scan_iter(key + ":*"):
            redis.delete(pending)


@pytest.fixture
def queues():
    _purge_queues()
    yield queue.get_connection()
    _purge_queues()


@pytest.fixture
def consumers(tmp_path):
    """Starts fetch consumers; stops those still running at the end (by their own pid)."""
    started: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        log = (tmp_path / f"{name}.log").open("w")
        proc = subprocess.Popen(
            [str(CKAN), "-c", str(REPO / "test.ini"), "ogpcatalog", "harvest-consumer", "fetch"],
            cwd=REPO, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        proc.log_path = tmp_path / f"{name}.log"  # type: ignore[attr-defined]
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def _wait(condition: Callable[[], Any], seconds: float, what: str,
          consumer: subprocess.Popen | None = None) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        model.Session.remove()
        value = condition()
        if value:
            return value
        if consumer is not None and consumer.poll() is not None:
            break
        time.sleep(0.3)
    log = ""
    if consumer is not None:
        log = consumer.log_path.read_text()[-3000:]  # type: ignore[attr-defined]
    raise AssertionError(f"timed out waiting for {what}\n{log}")


def _states(object_ids: list[str]) -> list[str]:
    rows = dict(model.Session.query(HarvestObject.id, HarvestObject.state).filter(
        HarvestObject.id.in_(object_ids)))
    return [rows[object_id] for object_id in object_ids]


def _datasets() -> list[tuple[str, int]]:
    """(title, number of resources) of every active dataset, duplicates included."""
    rows = model.Session.execute(sa.text(
        "SELECT p.title, (SELECT count(*) FROM resource r WHERE r.package_id = p.id "
        "AND r.state = 'active') FROM package p WHERE p.type = 'dataset' "
        "AND p.state = 'active' ORDER BY p.title"))
    return [(title, count) for title, count in rows]


def _title(object_id: str) -> str:
    from ckanext.ogpcatalog.dcat.harvester import _title as dataset_title
    return dataset_title(json.loads(HarvestObject.get(object_id).content))


def _gather(source_id: str) -> tuple[str, list[str]]:
    """Create a job and gather it as the gather consumer does: (job id, fetch queue)."""
    job = call_action("harvest_job_create", context=hs.site_context(), source_id=source_id,
                      run=True)
    gather = queue.get_gather_consumer()
    method, header, body = gather.basic_get(queue.get_gather_queue_name())
    assert body and json.loads(body)["harvest_job_id"] == job["id"]
    queue.gather_callback(gather, method, header, body)
    redis = queue.get_connection()
    waiting = [json.loads(item)["harvest_object_id"]
               for item in redis.lrange(queue.get_fetch_routing_key(), 0, -1)]
    return job["id"], waiting


def _run_jobs() -> None:
    call_action("harvest_jobs_run", context=hs.site_context())
    model.Session.remove()


def test_consumer_killed_mid_import_leaves_nothing_half_written_and_the_job_completes(
        server, queues, consumers):
    org = hs.institution("mtop", "Ministerio de Transporte y Obras Públicas",
                         "Ministry of Transport and Public Works")
    src = hs.source(server.serve("/obras.ttl", _catalogue(RECORDS)), org["id"])
    job_id, object_ids = _gather(src["id"])
    assert len(object_ids) == RECORDS
    titles = [_title(object_id) for object_id in object_ids]
    blocked_name = json.loads(HarvestObject.get(object_ids[BLOCKED]).content)["name"]

    # Another transaction inserts a package with the name the third import will use and does
    # not commit: the consumer's INSERT INTO package waits on the unique index, in the middle
    # of its import transaction (harvest object already flushed).
    blocker = model.meta.engine.connect()
    blocking = blocker.begin()
    blocker.execute(sa.text("INSERT INTO package (id, name, type, state) "
                            "VALUES (:id, :name, 'dataset', 'draft')"),
                    {"id": str(uuid.uuid4()), "name": blocked_name})
    try:
        first = consumers("consumer-1")
        waiting_backend = _wait(lambda: model.Session.execute(sa.text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO package %'")).scalar(),
            120, "the first consumer to block inside the third import", first)
        assert _states(object_ids)[:BLOCKED] == ["COMPLETE"] * BLOCKED
        assert _states(object_ids)[BLOCKED] == "IMPORT"

        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        blocking.rollback()
        blocker.close()
    # The killed consumer's database session ends without a commit: wait for PostgreSQL to
    # notice and roll it back.
    _wait(lambda: not model.Session.execute(sa.text(
        "SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": waiting_backend}).scalar(),
        60, "the killed consumer's database session to end")

    # Nothing half-written: two datasets with all their resources, the third not at all.
    assert _datasets() == sorted((title, 2) for title in titles[:BLOCKED])
    assert model.Session.query(model.Package).filter_by(name=blocked_name).count() == 0
    killed = HarvestObject.get(object_ids[BLOCKED])
    assert (killed.current, killed.package_id) == (False, None)
    assert model.Session.execute(sa.text(
        "SELECT count(*) FROM harvest_object o LEFT JOIN package p ON p.id = o.package_id "
        "WHERE o.current AND p.id IS NULL")).scalar() == 0

    # A new consumer imports the objects still on the queue.
    second = consumers("consumer-2")
    _wait(lambda: _states(object_ids)[BLOCKED + 1:] == ["COMPLETE"] * (RECORDS - BLOCKED - 1),
          120, "the second consumer to import the remaining objects", second)
    assert _states(object_ids)[BLOCKED] == "IMPORT"
    _run_jobs()
    assert HarvestJob.get(job_id).status == "Running"  # one object is still missing

    # ckanext-harvest gives a fetch consumer 3 minutes per object; past that, `harvester run`
    # puts the object back on the queue. Make the killed consumer's claim 4 minutes old.
    claim = f"{queue.get_fetch_routing_key()}:{object_ids[BLOCKED]}"
    assert queues.get(claim)
    four_minutes_ago = datetime.datetime.now() - datetime.timedelta(minutes=4)
    queues.set(claim, four_minutes_ago.strftime("%Y-%m-%d %H:%M:%S.%f"))
    _run_jobs()
    _wait(lambda: _states(object_ids) == ["COMPLETE"] * RECORDS, 120,
          "the second consumer to import the resubmitted object", second)
    idle_since = time.monotonic()
    _run_jobs()

    job = HarvestJob.get(job_id)
    assert job.status == "Finished"
    assert _datasets() == sorted((title, 2) for title in titles)  # each once, complete
    assert model.Session.query(HarvestObject).filter(
        HarvestObject.current.is_(True)).count() == RECORDS
    assert hs.job_messages(job) == []
    # The consumer keeps waiting on the idle queue past redis-py's 5-second socket timeout.
    time.sleep(max(0.0, 6.5 - (time.monotonic() - idle_since)))
    assert second.poll() is None, second.log_path.read_text()[-3000:]  # type: ignore[attr-defined]


@pytest.mark.ckan_config("ckan.harvest.timeout", "60")
def test_job_that_cannot_complete_is_timed_out_and_reported(server, queues):
    """An object whose consumer died and whose queue entry was lost (Redis restarted without
    it) never completes: after `ckan.harvest.timeout` minutes without progress, `harvester run`
    finishes the job with an error in its report, and the imported datasets stay."""
    from ckanext.ogpcatalog.dcat.harvester import OgpCatalogHarvester

    org = hs.institution("mtop", "Ministerio de Transporte y Obras Públicas",
                         "Ministry of Transport and Public Works")
    src = hs.source(server.serve("/obras-timeout.ttl", _catalogue(3)), org["id"])
    job_id, object_ids = _gather(src["id"])
    _purge_queues()  # the queue is lost
    harvester = OgpCatalogHarvester()
    for object_id in object_ids[:2]:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
    stuck = HarvestObject.get(object_ids[2])
    stuck.state = "IMPORT"  # what a consumer killed in the import leaves
    stuck.save()
    _run_jobs()
    assert HarvestJob.get(job_id).status == "Running"

    two_hours_ago = datetime.datetime.utcnow() - datetime.timedelta(hours=2)
    model.Session.execute(sa.text(
        "UPDATE harvest_object SET import_finished = :t, fetch_finished = :t, gathered = :t "
        "WHERE harvest_job_id = :job"), {"t": two_hours_ago, "job": job_id})
    model.Session.execute(sa.text("UPDATE harvest_job SET gather_finished = :t WHERE id = :job"),
                          {"t": two_hours_ago, "job": job_id})
    model.Session.commit()
    _run_jobs()

    job = HarvestJob.get(job_id)
    assert job.status == "Finished"
    errors = [e.message for e in model.Session.query(HarvestGatherError).filter_by(
        harvest_job_id=job_id)]
    assert any("timeout" in message for message in errors), errors
    assert [title for title, _count in _datasets()] == sorted(
        _title(object_id) for object_id in object_ids[:2])
