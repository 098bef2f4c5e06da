"""``ckanapi dump datasets --all`` from one running portal, ``ckanapi load datasets`` into
another (issue 19, item 4), with the real ckanapi CLI of the virtualenv against two CKAN
servers on loopback, each with its own database and file storage.

Portal A: the test database (reset), with an institution and an action plan, a dataset with
an uploaded file, datasets harvested from a DCAT catalogue served by the test, and commitments
imported from a tracker sheet. Portal B: a copy of A's database taken before any dataset was
written (same institutions, plans and sysadmin token), so the load only brings datasets.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.conftest import module_portal
from tests.dcat import harvest_server as hs

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(os.environ.get("VENV", "/var/lib/ogpcatalog/venv")) / "bin"
SHEET = ROOT / "tests" / "data" / "commitments" / "commitments.csv"
# The loopback ports the two portals may take (the helper's range; the first free ones).
PORTS = range(int(os.environ.get("OGPCATALOG_TEST_PORT_BASE", "25080")), 25999)
UPLOADED = b"canton,poblacion\nQuito,2011388\nGuayaquil,2650288\n"


def free_ports(count: int) -> list[int]:
    found = []
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError("no free loopback port in the test range")


def database_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def copy_database(source: str, target: str) -> None:
    """CREATE DATABASE target TEMPLATE source, as the cluster's superuser (scripts/common.sh)."""
    for name in (source, target):
        assert name.replace("_", "").isalnum(), name
    # A template must have no other session: this process's pooled connections are closed.
    script = (f'source "{ROOT}/scripts/common.sh"; set -e; '
              f'psql_admin postgres "DROP DATABASE IF EXISTS {target}"; '
              f'psql_admin postgres "SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
              f"WHERE datname = '{source}' AND pid <> pg_backend_pid()\" >/dev/null; "
              f'psql_admin postgres "CREATE DATABASE {target} TEMPLATE {source} OWNER $DB_USER"')
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


class Portal:
    """`ckan run` on a loopback port with its own database and storage."""

    def __init__(self, name: str, db_url: str, port: int, folder: Path):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        storage = folder / f"storage-{name}"
        storage.mkdir(parents=True, exist_ok=True)
        self.ini = folder / f"portal-{name}.ini"
        self.ini.write_text(
            "[DEFAULT]\ndebug = false\n\n[app:main]\n"
            f"use = config:{ROOT / 'test.ini'}\n"
            f"sqlalchemy.url = {db_url}\n"
            f"ckan.site_url = {self.url}\n"
            f"ckan.storage_path = {storage}\n", encoding="utf-8")
        self.env = {**os.environ, "CKAN_SQLALCHEMY_URL": db_url, "CKAN_SITE_URL": self.url,
                    "CKAN_STORAGE_PATH": str(storage), "CKAN_INI": str(self.ini)}
        self.log = (folder / f"portal-{name}.log").open("w")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "ckan"), "-c", str(self.ini), "run", "-H", "127.0.0.1",
             "-p", str(port), "--disable-reloader", "--threaded"],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"portal {self.name} exited: see {self.log.name}")
            try:
                if requests.get(f"{self.url}/api/3/action/status_show", timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError(f"portal {self.name} did not answer in {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def action(self, name: str, token: str | None = None, **data: Any) -> Any:
        headers = {"Authorization": token} if token else {}
        response = requests.post(f"{self.url}/api/3/action/{name}", json=data, headers=headers,
                                 timeout=60)
        body = response.json()
        assert body.get("success"), (name, response.status_code, body.get("error"))
        return body["result"]


def ckanapi(*args: str) -> subprocess.CompletedProcess:
    # ckanapi starts its workers as `ckanapi` from the PATH.
    env = {**os.environ, "PATH": os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")])}
    return subprocess.run([str(VENV_BIN / "ckanapi"), *args], capture_output=True, text=True,
                          timeout=300, env=env)


def load_replies(loaded: subprocess.CompletedProcess) -> list[list[Any]]:
    """ckanapi load's progress lines (stderr) `N [record] seconds action error detail`, as
    [action, error, detail] (error None when the record was written)."""
    replies = []
    for line in loaded.stderr.splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[0].isdigit() and parts[1].startswith("["):
            error = None if parts[4] == "None" else parts[4]
            replies.append([parts[3], error, json.loads(parts[5])])
    assert replies, loaded.stdout[-2000:] + loaded.stderr[-2000:]
    return replies


def build_roundtrip(tmp: Path, server: hs.HarvestServer) -> dict[str, Any]:
    from ckan.common import config

    # What both portals share: the sysadmin (and token), institutions and the action plan.
    sysadmin = factories.SysadminWithToken()
    def context() -> dict[str, Any]:  # CKAN's actions write into their context: one each
        return {"user": sysadmin["name"]}

    orgs = {name: call_action("organization_create", context(), name=name, title=title)["id"]
            for name, title in (("sercop", "Servicio Nacional de Contratación Pública"),
                                ("mintel", "Ministerio de Telecomunicaciones"), ("inec", "INEC"))}
    call_action("group_create", context(), type="action-plan", name="ecuador-2019-2022",
                title_translated={"es": "Primer Plan de Acción 2019-2022",
                                  "en": "First Action Plan 2019-2022"},
                country_or_locality="Ecuador", plan_scope="national", plan_number="1",
                period_start="2019-09-01", period_end="2022-08-31")
    model.Session.remove()
    model.meta.engine.dispose()
    url_a = config["sqlalchemy.url"]
    db_a = urlsplit(url_a).path.lstrip("/")
    db_b = f"{db_a}_ckanapi"
    copy_database(db_a, db_b)

    # Portal A only: harvested datasets, commitments, a dataset (its file uploaded below).
    src = hs.source(server.url("/file/catalog.ttl"), orgs["inec"], name="catalogo-inec")
    hs.harvest(src["id"])
    factories.Dataset(name="indicadores-tic", owner_org="mintel", title="Indicadores TIC",
                      frequency="ANNUAL")
    factories.Dataset(name="procesos-contratacion-2024", owner_org="sercop",
                      title="Procesos de contratación 2024", frequency="MONTHLY")
    from tests.commitments.conftest import upload
    imported = call_action("ogpcatalog_commitments_import", context(), upload=upload(SHEET),
                           owner_org="mintel")
    poblacion = factories.Dataset(name="poblacion-cantonal", owner_org="inec",
                                  title="Población cantonal", frequency="ANNUAL")
    model.Session.remove()

    port_a, port_b = free_ports(2)
    portal_a = Portal("a", url_a, port_a, tmp)
    portal_b = Portal("b", database_url(url_a, db_b), port_b, tmp)
    try:
        portal_a.wait()
        portal_b.wait()
        upload_response = requests.post(
            f"{portal_a.url}/api/3/action/resource_create",
            data={"package_id": poblacion["id"], "name": "Población por cantón"},
            files={"upload": ("poblacion.csv", UPLOADED, "text/csv")},
            headers={"Authorization": sysadmin["token"]}, timeout=60)
        assert upload_response.json()["success"], upload_response.text

        # The action plans the import created on A go first, as an operator would copy them.
        # (`dump groups --all` lists CKAN's `group` type only: the plans are named.)
        plans = portal_a.action("group_list", sysadmin["token"], type="action-plan")
        groups = tmp / "groups.jsonl"
        dumped = ckanapi("dump", "groups", *plans, "-q", "-O", str(groups), "-r", portal_a.url,
                         "-a", sysadmin["token"])
        assert dumped.returncode == 0, dumped.stderr
        loaded_groups = ckanapi("load", "groups", "-I", str(groups), "-r", portal_b.url,
                                "-a", sysadmin["token"])
        assert [reply for reply in load_replies(loaded_groups) if reply[1] is not None] == []

        dump = tmp / "datasets.jsonl"
        dumped = ckanapi("dump", "datasets", "--all", "-q", "-O", str(dump), "-r", portal_a.url,
                         "-a", sysadmin["token"])
        assert dumped.returncode == 0, dumped.stderr
        loaded = ckanapi("load", "datasets", "-I", str(dump), "-r", portal_b.url,
                         "-a", sysadmin["token"])
        records = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
        replies = load_replies(loaded)
        yield {"a": portal_a, "b": portal_b, "token": sysadmin["token"], "source": src,
               "dump": records, "load": loaded, "replies": replies, "imported": imported,
               "db_b": db_b}
    finally:
        portal_a.stop()
        portal_b.stop()


@pytest.fixture(scope="module")
def roundtrip(reset_db, migrate_db_for, tmp_path_factory):
    server = hs.HarvestServer().start()
    tmp = tmp_path_factory.mktemp("ckanapi")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(__import__("ckan.common", fromlist=["config"]).config,
                          *hs.ALLOW_LOCAL_CONFIG)
            for built in module_portal(reset_db, migrate_db_for, lambda: build_roundtrip(tmp, server)):
                yield from built
    finally:
        server.stop()


def by_type(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [record for record in records if record.get("type") == kind]


def replies_by_name(roundtrip) -> dict[str, list[Any]]:
    """ckanapi load's replies, one per record, in the order of the dump."""
    assert len(roundtrip["replies"]) == len(roundtrip["dump"]), roundtrip["load"].stderr[-2000:]
    return {record["name"]: reply for record, reply in zip(roundtrip["dump"], roundtrip["replies"])}


def test_every_dataset_and_commitment_loads(roundtrip):
    replies = replies_by_name(roundtrip)
    errors = {name: reply for name, reply in replies.items()
              if reply[1] is not None and name != roundtrip["source"]["name"]}
    assert errors == {}
    b, token = roundtrip["b"], roundtrip["token"]
    for record in roundtrip["dump"]:
        if record["type"] == "harvest":
            continue
        copy = b.action("package_show", token, id=record["name"])
        assert copy["title"] == record["title"]
        assert copy["type"] == record["type"]
    commitments = by_type(roundtrip["dump"], "commitment")
    assert commitments, "the dump holds the imported commitments"
    found = b.action("package_search", token, fq="dataset_type:commitment", rows=100)
    assert found["count"] == len(commitments)


def test_harvest_attribution_is_not_copied(roundtrip):
    b, token = roundtrip["b"], roundtrip["token"]
    harvested = [r for r in roundtrip["dump"]
                 if any(e["key"] == "harvest_source_id" for e in r.get("extras", []))]
    assert harvested, "the dump carries the harvest attribution of portal A"
    for record in harvested:
        copy = b.action("package_show", token, id=record["name"])
        keys = set(copy) | {extra["key"] for extra in copy.get("extras", [])}
        assert not [k for k in keys if k.startswith("harvest_")], copy["name"]
    assert b.action("package_search", token, fq="harvest_source_id:*", rows=0)["count"] == 0


def test_the_harvest_source_does_not_become_a_source_of_the_other_portal(roundtrip):
    b, token = roundtrip["b"], roundtrip["token"]
    sources = by_type(roundtrip["dump"], "harvest")
    assert [record["name"] for record in sources] == [roundtrip["source"]["name"]]
    reply = replies_by_name(roundtrip)[roundtrip["source"]["name"]]
    assert reply[:2] == ["create", "ValidationError"], reply
    assert "harvest_source_create" in reply[2]["type"][0], reply
    assert b.action("package_search", token, fq="dataset_type:harvest", rows=0)["count"] == 0
    with sa.create_engine(database_url(model.meta.engine.url.render_as_string(False),
                                       roundtrip["db_b"])).connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM harvest_source")).scalar() == 0


def test_an_uploaded_file_stays_downloadable(roundtrip):
    b, token = roundtrip["b"], roundtrip["token"]
    copy = b.action("package_show", token, id="poblacion-cantonal")
    resource = copy["resources"][0]
    assert resource["url"].startswith(roundtrip["a"].url)  # a link to the source portal's file
    assert resource["url_type"] in ("", None)
    download = requests.get(resource["url"], timeout=30)
    assert download.status_code == 200 and download.content == UPLOADED
