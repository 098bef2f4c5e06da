"""The local stack of `make run` / `make test`: settings, config template, workers."""
from __future__ import annotations

import configparser
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"


def _makefile_defaults() -> dict[str, str]:
    text = (ROOT / "Makefile").read_text()
    return dict(re.findall(r"^([A-Z_]+) \?= (\S+)$", text, re.M))


def _script_defaults() -> dict[str, str]:
    text = (SCRIPTS / "common.sh").read_text()
    return dict(re.findall(r'^: "\$\{([A-Z_]+):=([^}]*)\}"$', text, re.M))


def _ini_option(path: Path, key: str) -> str:
    parser = configparser.RawConfigParser(strict=False)
    parser.read(path)
    return parser.get("app:main", key)


def test_makefile_and_scripts_share_the_default_settings():
    make, script = _makefile_defaults(), _script_defaults()
    assert {"STATE_DIR", "PORT", "PGPORT", "REDIS_PORT", "TEST_DB"} <= set(make)
    assert {name: script.get(name) for name in make} == make


def test_config_template_placeholders_are_all_filled_by_the_stack_script():
    template = (ROOT / "deploy" / "ckan.ini.in").read_text()
    used = {
        name
        for line in template.splitlines()
        if not line.lstrip().startswith("#")
        for name in re.findall(r"@([A-Z_]+)@", line)
    }
    filled = set(re.findall(r'-e "s\|@([A-Z_]+)@\|', (SCRIPTS / "stack.sh").read_text()))
    assert used and used <= filled


def test_portal_and_tests_enable_the_same_plugins_with_search_first():
    portal = _ini_option(ROOT / "deploy" / "ckan.ini.in", "ckan.plugins").split()
    tests = _ini_option(ROOT / "test.ini", "ckan.plugins").split()
    assert portal[0] == "ogpcatalog_search"
    assert portal == tests


def test_harvest_consumer_waits_on_an_idle_queue_longer_than_redis_default_timeout(monkeypatch):
    from ckanext.harvest import queue

    # Undo the module patch after the test.
    monkeypatch.setattr(queue, "get_connection_redis", queue.get_connection_redis)
    from ckanext.ogpcatalog.upstream.harvest_queue import patch_harvest_redis_connection
    patch_harvest_redis_connection()

    client = queue.get_connection_redis()
    assert client.connection_pool.connection_kwargs["socket_timeout"] is None
    started = time.monotonic()
    # The stock client raises TimeoutError after 5 s; BLPOP's own timeout ends this wait.
    assert client.blpop("ogpcatalog:test:idle-queue", timeout=6) is None
    assert time.monotonic() - started >= 5.5


@pytest.mark.skipif(sys.platform != "linux", reason="uses setsid and process groups")
def test_supervisor_restarts_a_command_that_exits(tmp_path):
    pidfile = tmp_path / "probe.pid"
    log = tmp_path / "probe.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["bash", str(SCRIPTS / "supervise.sh"), "--name", "probe", "--pidfile", str(pidfile),
             "--", "sh", "-c", "exit 3"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 10
        while log.read_text().count("started pid") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        text = log.read_text()
        assert text.count("started pid") >= 2
        assert "exited with status 3" in text and "restarting in 1s" in text
        assert pidfile.read_text().strip() == str(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    assert not pidfile.exists()


def _supervised(stack: str, name: str) -> list[str]:
    return re.search(rf"^{name}=\(([^)]*)\)", stack, re.M).group(1).split()


def test_make_run_supervises_one_scheduler_running_the_schedule_command():
    """Harvests, the metrics snapshot and OCDS retries run in `ckan ogpcatalog schedule`, the
    command the production scheduler runs too (tests/test_docker_stack.py)."""
    stack = (SCRIPTS / "stack.sh").read_text()
    supervised = _supervised(stack, "SUPERVISED")

    assert "scheduler" in supervised
    assert re.search(r'^ +start_supervised scheduler -- "\$VENV/bin/ckan" -c "\$CKAN_INI" '
                     r'ogpcatalog schedule --harvest-interval "\$HARVEST_INTERVAL"$', stack, re.M)
    assert "ogpcatalog schedule" in (ROOT / "docker" / "bin" / "scheduler.sh").read_text()
    for retired in ("harvest-scheduler", "metrics-scheduler", "ocds-retry"):
        assert retired not in supervised
        assert f"start_supervised {retired}" not in stack
    assert "--every" not in stack


def test_make_stop_also_stops_the_schedulers_of_earlier_versions():
    stack = (SCRIPTS / "stack.sh").read_text()

    assert set(_supervised(stack, "RETIRED")) == {"harvest-scheduler", "metrics-scheduler", "ocds-retry"}
    assert len(re.findall(r'stop_groups "\$\{SUPERVISED\[@\]\}" "\$\{RETIRED\[@\]\}"', stack)) == 2
