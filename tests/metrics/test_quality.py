"""Metadata quality (MQA points) computed by hand for two datasets, and the link check that
feeds its accessibility points, against an HTTP server the test starts on 127.0.0.1."""
from __future__ import annotations

import http.server
import threading

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan.cli.cli import ckan as ckan_command
from ckan.lib.jobs import get_queue
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.metrics import linkcheck
from tests.conftest import PLUGINS_WITH_MIGRATIONS

ALLOWED_KEY = "ckanext.ogpcatalog.metrics.link_check_allowed_private_addresses"


class Handler(http.server.BaseHTTPRequestHandler):
    requests: list[tuple[str, str]] = []

    def _answer(self, with_body: bool):
        Handler.requests.append((self.command, self.path))
        if self.path.startswith("/nohead") and self.command == "HEAD":
            status = 405
        elif self.path.startswith(("/ok", "/nohead")):
            status = 200
        else:
            status = 404
        self.send_response(status)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", "4")
        self.end_headers()
        if with_body:
            self.wfile.write(b"a,b\n")

    def do_HEAD(self):  # noqa: N802
        self._answer(False)

    def do_GET(self):  # noqa: N802
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def quality_portal(reset_db, migrate_db_for, server):
    reset_db()
    p.load_all()
    try:
        for plugin in PLUGINS_WITH_MIGRATIONS:
            if p.plugin_loaded(plugin):
                migrate_db_for(plugin)
        sysadmin = factories.Sysadmin()
        context = {"user": sysadmin["name"], "ignore_auth": True}
        org = call_action("organization_create", context=dict(context), name="inec",
                          title_translated={"es": "INEC"}, institution_type="agency")
        other = call_action("organization_create", context=dict(context), name="otra",
                            title_translated={"es": "Otra"})
        full = call_action(
            "package_create", context=dict(context), name="completo", owner_org=org["id"],
            title_translated={"es": "Completo", "en": "Complete"},
            notes_translated={"es": "Descripción", "en": "Description"},
            tags=[{"name": "censo"}], theme=["SOCI"], license_id="cc-by", access_rights="PUBLIC",
            contact=[{"name": "Datos", "email": "datos@inec.example.gob"}],
            spatial_coverage=[{"text": "Ecuador"}],
            temporal_coverage=[{"start": "2020-01-01", "end": "2020-12-31"}],
            issued="2021-01-01", modified="2021-02-01", frequency="ANNUAL",
            resources=[{"url": f"{server}/ok/a.csv", "format": "CSV", "mimetype": "text/csv",
                        "size": 4, "download_url": f"{server}/ok/a.csv",
                        "rights": {"es": "Uso libre"}},
                       {"url": f"{server}/nohead/b.csv", "format": "csv",
                        "mimetype": "text/csv", "size": 4,
                        "download_url": f"{server}/ok/b.csv", "rights": {"es": "Uso libre"}}])
        half = call_action(
            "package_create", context=dict(context), name="a-medias", owner_org=org["id"],
            title_translated={"es": "A medias"}, notes_translated={"es": "Algo"},
            theme=["ECON"], license_id="other-closed",
            resources=[{"url": f"{server}/ok/c", "format": "CSV", "mimetype": "text/csv",
                        "size": 4, "download_url": f"{server}/ok/c.csv",
                        "rights": {"es": "Uso libre"}},
                       {"url": f"{server}/missing", "format": ""}])
        hidden = call_action("package_create", context=dict(context), name="privado",
                             owner_org=other["id"], private=True,
                             resources=[{"url": f"{server}/ok/secret"}])
        yield {"sysadmin": sysadmin, "full": full, "half": half, "hidden": hidden,
               "org": org}
    finally:
        p.unload_all()


pytestmark = pytest.mark.usefixtures("quality_portal")


def _sys(portal) -> dict:
    return {"user": portal["sysadmin"]["name"]}


def _scores(portal) -> dict[str, dict]:
    listing = call_action("ogpcatalog_dataset_quality_list", _sys(portal), sort="name asc")
    return {r["name"]: r for r in listing["results"]}


@pytest.fixture
def allow_local(monkeypatch):
    monkeypatch.setitem(tk.config, ALLOWED_KEY, "127.0.0.1")


def test_before_the_link_check_reachability_points_are_zero(quality_portal):
    scores = _scores(quality_portal)

    full = scores["completo"]
    assert full["dimensions"] == {"findability": 100.0, "accessibility": 20.0,
                                  "interoperability": 110.0, "reusability": 75.0,
                                  "contextuality": 20.0}
    assert (full["score"], full["rating"]) == (325.0, "good")
    assert list(scores) == ["a-medias", "completo"]  # private datasets are never listed


@pytest.mark.usefixtures("allow_local")
def test_link_check_stores_results_and_completes_the_scores(quality_portal, server):
    Handler.requests.clear()

    counts = linkcheck.run_link_check()

    # completo: 2 access + 2 download URLs; a-medias: 2 access + 1 download URL
    assert counts == {"checked": 7, "ok": 6, "failed": 1}
    assert ("GET", "/nohead/b.csv") in Handler.requests  # HEAD refused: GET instead
    assert not any(path == "/ok/secret" for _m, path in Handler.requests)
    results = linkcheck.results([r["id"] for r in quality_portal["half"]["resources"]])
    missing = results[(quality_portal["half"]["resources"][1]["id"], "url")]
    assert (missing["ok"], missing["status_code"]) == (False, 404)

    scores = _scores(quality_portal)
    assert (scores["completo"]["score"], scores["completo"]["rating"]) == (405.0, "excellent")
    # a-medias: theme 30 | access 50/2 + download given 20/2 + reachable 30/2 = 50 |
    # best distribution (the CSV, as the MQA scores it): format 20 + media type 10 + known 10
    # + open 20 + machine-readable 20, + DCAT 30 = 110 | license 20 + list 10 + publisher 10
    # = 40 | rights 5/2 + size 5/2 = 5
    half = scores["a-medias"]
    assert half["dimensions"] == {"findability": 30.0, "accessibility": 50.0,
                                  "interoperability": 110.0, "reusability": 40.0,
                                  "contextuality": 5.0}
    assert (half["score"], half["rating"], half["percent"]) == (235.0, "good", 58.0)


def test_private_addresses_are_not_fetched_unless_allowed(quality_portal):
    Handler.requests.clear()

    counts = linkcheck.run_link_check(quality_portal["org"]["id"])

    assert counts["ok"] == 0
    assert Handler.requests == []
    result = linkcheck.results([quality_portal["full"]["resources"][0]["id"]])
    assert result[(quality_portal["full"]["resources"][0]["id"], "url")]["error"] \
        .startswith("private address")


def test_link_check_start_enqueues_the_job(quality_portal):
    queued = call_action("ogpcatalog_link_check_start", _sys(quality_portal), institution="inec")

    queue = get_queue()
    try:
        assert queued["resources"] == 7
        assert queued["job_id"] in queue.job_ids
        job = queue.fetch_job(queued["job_id"])
        assert job.func_name.endswith("linkcheck.run_link_check")
        assert job.kwargs == {"institution_id": quality_portal["org"]["id"]}
    finally:
        queue.empty()


def test_link_check_start_for_unknown_institution_is_not_found(quality_portal):
    with pytest.raises(tk.ObjectNotFound):
        call_action("ogpcatalog_link_check_start", _sys(quality_portal), institution="nadie")


def test_institution_quality_average_and_distribution(quality_portal):
    shown = call_action("ogpcatalog_institution_metrics_show", _sys(quality_portal), id="inec")

    scores = _scores(quality_portal)
    expected = round((scores["completo"]["score"] + scores["a-medias"]["score"]) / 2, 1)
    assert shown["institution"]["quality_average"] == expected
    assert sum(shown["quality_distribution"].values()) == 2


@pytest.mark.usefixtures("allow_local")
def test_link_check_command_runs_here_with_sync(quality_portal, cli):
    result = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "link-check", "--sync",
                                       "--institution", "inec"])

    assert result.exit_code == 0, result.output
    assert "7" in result.output and "6" in result.output


def test_link_check_command_refuses_an_unknown_institution(quality_portal, cli):
    result = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "link-check", "--sync",
                                       "--institution", "nadie"])

    assert result.exit_code != 0
    assert "nadie" in result.output
