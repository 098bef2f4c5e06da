"""The portal on a 2-node SolrCloud keeps searching and writing while one node is down.

`make solr-failover` runs it (opt-in, about 2-4 minutes: it is not part of `make test`). The
portal (CKAN in this process, ``ogpcatalog_search`` left out) reaches the collection through a
small load balancer on loopback, as production does (docker/README.md, "Search: SolrCloud"):
it sends each request to a live node and, like nginx with ``proxy_next_upstream error timeout
http_502 http_503 http_504 non_idempotent``, tries the other node when one refuses the
connection or answers 502-504 (a Solr write by id is idempotent: re-sending it replaces the
same document). Bounded traffic (one ``package_create`` and one ``package_search`` at a time)
runs before, during and after an outage of the node that holds the shard's leader: the node is
stopped with SIGTERM (as an orchestrator stops it), kept down for ``FAILOVER_OUTAGE`` seconds,
then started again on its data. The test shows

* searches keep answering: the failover (stop -> first search answered after it) in seconds;
* no write fails (the balancer's retries are counted and reported);
* every dataset written during the outage is in both replicas once the node is back (each
  core asked with ``distrib=false``), and each replica holds exactly the portal's datasets:
  no ``search-index rebuild`` is needed.

Figures go to stdout and to ``$FAILOVER_REPORT`` (JSON) when set.
"""
from __future__ import annotations

import http.server
import itertools
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from ckan.tests import factories, helpers

from tests.search.test_solr_node import (CLOUD_PORTS, PLUGINS, SOLR_SH, STATE_DIR, _cloud_url, _get,
                                         _not_built, _solr_sh)

OUTAGE_SECONDS = float(os.environ.get("FAILOVER_OUTAGE", "20"))
BALANCER_PORT = int(os.environ.get("FAILOVER_BALANCER_PORT", "0"))  # 0: any free port
RETRY_SECONDS = 30.0  # how long the balancer keeps trying the nodes for one request
TRY_TIMEOUT = 20.0  # one try's read timeout (a node that accepts but does not answer)
RETRIED_STATUSES = (502, 503, 504)

pytestmark = [
    pytest.mark.solr,
    pytest.mark.skipif(_not_built() is not None, reason=_not_built() or ""),
    pytest.mark.skipif(os.environ.get("OGPCATALOG_SOLR_FAILOVER") != "1",
                       reason="opt-in, a few minutes: `make solr-failover` runs it"),
]


# ================================================================================ balancer
class Balancer(http.server.ThreadingHTTPServer):
    """Round robin over the nodes; the next node on a refused connection or a 502-504."""

    daemon_threads = True

    def __init__(self, backends: list[str]):
        self.backends = backends
        self.turn = itertools.count()
        self.lock = threading.Lock()
        self.stats = {"requests": 0, "retried": 0, "failed": 0, "tries_refused": 0, "tries_timed_out": 0,
                      "tries_5xx": 0}
        super().__init__(("127.0.0.1", BALANCER_PORT), _Forward)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/solr/ckan"

    def count(self, key: str) -> None:
        with self.lock:
            self.stats[key] += 1

    def forward(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes, str]:
        self.count("requests")
        deadline = time.monotonic() + RETRY_SECONDS
        first = next(self.turn)
        attempt = 0
        while True:
            backend = self.backends[(first + attempt) % len(self.backends)]
            try:
                request = urllib.request.Request(backend + path, data=body, method=method, headers=headers)
                with urllib.request.urlopen(request, timeout=TRY_TIMEOUT) as response:
                    return response.status, response.read(), response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as error:
                if error.code not in RETRIED_STATUSES:
                    return error.code, error.read(), error.headers.get("Content-Type", "")
                self.count("tries_5xx")
            except (socket.timeout, TimeoutError):
                self.count("tries_timed_out")
            except (urllib.error.URLError, ConnectionError) as error:
                timed_out = isinstance(getattr(error, "reason", None), (socket.timeout, TimeoutError))
                self.count("tries_timed_out" if timed_out else "tries_refused")
            attempt += 1
            if attempt == 1:
                self.count("retried")
            if time.monotonic() > deadline:
                self.count("failed")
                return 503, b'{"error": "no Solr node answered"}', "application/json"
            if attempt % len(self.backends) == 0:
                time.sleep(0.2)  # every node refused: wait a little before the next round


class _Forward(http.server.BaseHTTPRequestHandler):
    server: Balancer

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        status, payload, content_type = self.server.forward(self.command, self.path, body, headers)
        self.send_response(status)
        self.send_header("Content-Type", content_type or "application/octet-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _handle

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def cloud() -> Iterator[list[str]]:
    already = all(_get_ok(f"{_cloud_url(i)}/ckan") for i in (0, 1))
    seconds = _solr_sh("start-cloud")
    print(f"\nSolrCloud ready in {seconds:.1f}s ({'already running' if already else 'started'})")
    yield [f"http://127.0.0.1:{port}" for port in CLOUD_PORTS]
    if not already:
        _solr_sh("stop-cloud")


def _get_ok(url: str) -> bool:
    try:
        return _get(f"{url}/admin/ping?wt=json", timeout=3).get("status") == "OK"
    except OSError:
        return False


@pytest.fixture
def balancer(cloud) -> Iterator[Balancer]:
    server = Balancer(cloud)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def portal_on_cloud(balancer, monkeypatch):
    """CKAN's own Solr connection (``ogpcatalog_search`` puts its own in place once per
    process when test.ini loads it), pointed at the balancer; an empty index."""
    from ckanext.ogpcatalog.search import backend
    for module, name in backend._TARGETS:
        original = backend._ORIGINALS.get(f"{module.__name__}.{name}")
        if original is not None:
            monkeypatch.setattr(module, name, original)
    from ckan.common import config
    monkeypatch.setitem(config, "solr_url", balancer.url)
    import ckan.lib.search as search
    search.clear_all()
    return balancer


# ================================================================================ the test
def _cloud_node(command: str, node: int, errors: list[str]) -> None:
    """``scripts/solr.sh stop-cloud-node|start-cloud-node NODE`` (in a thread: errors go to ``errors``)."""
    result = subprocess.run(["bash", str(SOLR_SH), command, str(node)], capture_output=True, text=True,
                            timeout=600, env={**os.environ, "STATE_DIR": str(STATE_DIR)})
    if result.returncode != 0:
        errors.append(f"{command} {node}: " + result.stdout[-3000:] + result.stderr[-3000:])


def _leader_node() -> int:
    """1 or 2: the cloud node that holds the shard's leader."""
    status = _get(f"{_cloud_url(0)}/admin/collections?action=CLUSTERSTATUS&collection=ckan&wt=json")
    shards = status["cluster"]["collections"]["ckan"]["shards"].values()
    leader = next(r for s in shards for r in s["replicas"].values() if r.get("leader") == "true")
    port = int(leader["node_name"].split("_")[0].rsplit(":", 1)[1])
    return CLOUD_PORTS.index(port) + 1


def _replica_ids(base: str, site_id: str) -> set[str]:
    """The dataset ids in the node's own replica (distrib=false: no forwarding)."""
    found = _get(f"{base}/solr/ckan/select?q=*:*&fq=site_id:%22{site_id}%22&fl=id&rows=100000"
                 f"&distrib=false&wt=json", timeout=30)
    return {d["id"] for d in found["response"]["docs"]}


class Traffic:
    """One write and one search at a time, each recorded with its start, end and outcome."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.created: list[tuple[float, str]] = []
        self.n = 0

    def _timed(self, kind: str, call) -> Any:
        started = time.monotonic()
        try:
            result = call()
            self.events.append({"kind": kind, "start": started, "end": time.monotonic(), "ok": True})
            return result
        except Exception as error:  # noqa: BLE001 - every failure is counted and reported
            self.events.append({"kind": kind, "start": started, "end": time.monotonic(), "ok": False,
                                "error": repr(error)[:300]})
            return None

    def step(self) -> None:
        self.n += 1
        n = self.n
        dataset = self._timed("write", lambda: factories.Dataset(
            name=f"conmutacion-{n:04d}",
            title_translated={"es": f"Conmutación por error {n}", "en": f"Failover {n}"}))
        if dataset:
            self.created.append((time.monotonic(), dataset["id"]))
        self._timed("search", lambda: helpers.call_action("package_search", q="conmutacion", rows=1))

    def run_for(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            self.step()

    def run_while(self, thread: threading.Thread) -> None:
        while thread.is_alive():
            self.step()


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_portal_keeps_searching_and_writing_while_a_solr_node_is_down(portal_on_cloud, cloud):
    from ckan.common import config
    balancer: Balancer = portal_on_cloud
    site_id = config.get("ckan.site_id")
    traffic = Traffic()
    traffic.run_for(5)

    down = _leader_node()
    errors: list[str] = []
    stopping = threading.Thread(target=_cloud_node, args=("stop-cloud-node", down, errors))
    stop_requested = time.monotonic()
    stopping.start()
    traffic.run_while(stopping)
    stopped = time.monotonic()
    traffic.run_for(OUTAGE_SECONDS)
    starting = threading.Thread(target=_cloud_node, args=("start-cloud-node", down, errors))
    restart_requested = time.monotonic()
    starting.start()
    traffic.run_while(starting)  # start-cloud-node returns once both replicas are active
    back = time.monotonic()
    assert not errors, errors
    traffic.run_for(5)

    during = [e for e in traffic.events if stop_requested <= e["start"] <= back]
    failed = [e for e in traffic.events if not e["ok"]]
    searches_after_stop = [e for e in traffic.events if e["kind"] == "search" and e["start"] >= stopped]
    first_answer = next(e for e in searches_after_stop if e["ok"])
    searches_during = [e["end"] - e["start"] for e in during if e["kind"] == "search"]
    writes_during = [e["end"] - e["start"] for e in during if e["kind"] == "write"]
    written_in_outage = [i for t, i in traffic.created if stop_requested <= t <= back]
    figures = {
        "node_stopped": down, "stop_seconds": round(stopped - stop_requested, 1),
        "outage_seconds": round(back - stop_requested, 1),
        "restart_seconds": round(back - restart_requested, 1),
        # the longest a search waited while the node went down, was down and came back
        "failover_seconds": round(max(searches_during), 2),
        "first_search_after_stop_s": round(first_answer["end"] - stopped, 2),
        "median_search_during_outage_s": round(sorted(searches_during)[len(searches_during) // 2], 2),
        # the longest a write waited (new leader elected, balancer retries)
        "write_failover_seconds": round(max(writes_during), 2),
        "median_write_during_outage_s": round(sorted(writes_during)[len(writes_during) // 2], 2),
        "writes": sum(e["kind"] == "write" for e in traffic.events),
        "writes_during_outage": len(written_in_outage),
        "searches": sum(e["kind"] == "search" for e in traffic.events),
        "searches_during_outage": sum(e["kind"] == "search" for e in during),
        "failed_writes": sum(e["kind"] == "write" for e in failed),
        "failed_searches": sum(e["kind"] == "search" for e in failed),
        "balancer": dict(balancer.stats),
    }

    # Both replicas converge without a rebuild: each holds every dataset of the portal.
    expected = {d for _, d in traffic.created}
    deadline = time.monotonic() + 60
    while True:
        replicas = {node: _replica_ids(base, site_id) for node, base in enumerate(cloud, 1)}
        if all(ids == expected for ids in replicas.values()) or time.monotonic() > deadline:
            break
        time.sleep(1)
    figures["converged_seconds_after_back"] = round(time.monotonic() - back, 1)
    figures["replica_counts"] = {str(node): len(ids) for node, ids in replicas.items()}
    figures["portal_datasets"] = len(expected)
    print("\nFailover figures: " + json.dumps(figures, indent=1))
    if os.environ.get("FAILOVER_REPORT"):
        Path(os.environ["FAILOVER_REPORT"]).write_text(json.dumps(figures, indent=1), encoding="utf-8")

    assert not failed, failed[:5]
    assert written_in_outage, "no write happened while the node was down"
    assert figures["searches_during_outage"] > 0
    assert figures["failover_seconds"] < RETRY_SECONDS
    for node, ids in replicas.items():
        assert set(written_in_outage) <= ids, f"replica on node {node} misses writes of the outage"
        assert ids == expected, f"replica on node {node}: {len(ids)} datasets, the portal {len(expected)}"
    total = helpers.call_action("package_search", q="conmutacion", rows=0)["count"]
    assert total == len(expected)
