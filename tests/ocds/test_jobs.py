"""The validation job of procurement resources: scheduling, fetch, store, retry, bad files."""
from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest

import ckan.lib.jobs as ckan_jobs
from ckan.tests.helpers import call_action
from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

from ckanext.ogpcatalog.ocds import jobs, model

from .conftest import fixture_bytes
from .helpers import editor_and_org, procurement


@pytest.fixture
def editor_org(with_plugins, clean_db, ocds_settings):
    return editor_and_org()


def _queued_resource_ids() -> list[str]:
    return [job.args[0] for job in ckan_jobs.get_queue().jobs if job.func_name.endswith("validate_resource")]


@pytest.fixture(autouse=True)
def empty_queue():
    ckan_jobs.get_queue().empty()
    yield
    ckan_jobs.get_queue().empty()


def _remote(http_server, name: str, path: str = "/releases.json") -> str:
    base, routes = http_server
    routes[path] = (200, fixture_bytes(name), {"Content-Type": "application/json"})
    return base + path


def test_json_resource_of_procurement_dataset_is_queued(editor_org, http_server):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, "release-package-valid.json"), "format": "JSON"}])
    resource_id = dataset["resources"][0]["id"]
    assert model.get(resource_id)["status"] == "pending"
    assert _queued_resource_ids() == [resource_id]


def test_csv_resource_and_other_dataset_types_are_not_queued(editor_org):
    user, org = editor_org
    procurement(user, org, [{"url": "https://datos.example.gob/procesos.csv", "format": "CSV"}])
    call_action("package_create", {"user": user["name"]}, type="dataset", name="otro",
                title_translated={"es": "Otro", "en": "Other"}, owner_org=org["id"],
                notes_translated={"es": "x", "en": "x"},
                resources=[{"url": "https://datos.example.gob/x.json", "format": "JSON"}])
    assert _queued_resource_ids() == []


def test_job_stores_a_valid_summary(editor_org, http_server):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, "release-package-valid.json"), "format": "JSON"}])
    resource_id = dataset["resources"][0]["id"]
    row = jobs.validate_resource(resource_id)
    assert row["status"] == "valid"
    assert row["summary"]["releases"] == 4
    assert row["summary"]["ocid_prefixes"] == ["ocds-abc123"]


def test_summary_is_on_the_resource_in_package_show(editor_org, http_server):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, "release-package-invalid.json"), "format": "OCDS"}])
    resource_id = dataset["resources"][0]["id"]
    jobs.validate_resource(resource_id)
    shown = call_action("package_show", id=dataset["id"])
    summary = shown["resources"][0]["ocds_summary"]
    assert (summary["status"], summary["valid"], summary["error_count"]) == ("invalid", False, 5)
    assert "5" in summary["status_label"]


def test_dataset_round_trip_does_not_store_the_summary(editor_org, http_server):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, "release-package-valid.json"), "format": "JSON"}])
    jobs.validate_resource(dataset["resources"][0]["id"])
    shown = call_action("package_show", id=dataset["id"])
    call_action("package_update", {"user": user["name"]}, **shown)
    import ckan.model as ckan_model
    resource = ckan_model.Resource.get(dataset["resources"][0]["id"])
    assert "ocds_summary" not in (resource.extras or {})


def test_saving_the_dataset_again_does_not_requeue_an_unchanged_file(editor_org, http_server):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, "release-package-valid.json"), "format": "JSON"}])
    jobs.validate_resource(dataset["resources"][0]["id"])
    ckan_jobs.get_queue().empty()
    call_action("package_patch", {"user": user["name"]}, id=dataset["id"], period_start="2024-01-01")
    assert _queued_resource_ids() == []


def test_changing_the_url_requeues(editor_org, http_server):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, "release-package-valid.json"), "format": "JSON"}])
    resource_id = dataset["resources"][0]["id"]
    jobs.validate_resource(resource_id)
    ckan_jobs.get_queue().empty()
    call_action("resource_patch", {"user": user["name"]}, id=resource_id,
                url=_remote(http_server, "release-package-invalid.json", "/v2.json"))
    assert _queued_resource_ids() == [resource_id]
    assert jobs.validate_resource(resource_id)["status"] == "invalid"


def test_resource_added_later_is_queued(editor_org, http_server):
    user, org = editor_org
    dataset = procurement(user, org)
    resource = call_action("resource_create", {"user": user["name"]}, package_id=dataset["id"],
                           url=_remote(http_server, "releases.jsonl", "/r.jsonl"), name="Entregas")
    assert _queued_resource_ids() == [resource["id"]]
    assert jobs.validate_resource(resource["id"])["summary"]["layout"] == "json_lines"


def test_deleted_resource_loses_its_summary(editor_org, http_server):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, "release-package-valid.json"), "format": "JSON"}])
    resource_id = dataset["resources"][0]["id"]
    jobs.validate_resource(resource_id)
    call_action("resource_delete", {"user": user["name"]}, id=resource_id)
    assert model.get(resource_id) is None


def test_uploaded_file_is_read_from_storage(editor_org):
    user, org = editor_org
    dataset = procurement(user, org)
    upload = FakeFileStorage(BytesIO(fixture_bytes("record-package-valid.json")), "registros.json")
    resource = call_action("resource_create", {"user": user["name"]}, package_id=dataset["id"],
                           upload=upload, url="registros.json", name="Registros")
    row = jobs.validate_resource(resource["id"])
    assert (row["status"], row["summary"]["kind"]) == ("valid", "record_package")


@pytest.mark.parametrize("name, code", [
    ("empty.json", "empty"),
    ("not-json.json", "not_json"),
    ("not-ocds.json", "not_ocds"),
])
def test_bad_files_are_unreadable_with_a_message(editor_org, http_server, name, code):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, name, "/f.json"), "format": "JSON"}])
    row = call_action("ogpcatalog_ocds_summary_show", id=dataset["resources"][0]["id"]) \
        if jobs.validate_resource(dataset["resources"][0]["id"]) else None
    assert (row["status"], row["problem"]["code"]) == ("unreadable", code)
    assert row["message"]


def test_file_over_the_limit_is_unreadable(editor_org, http_server, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.ogpcatalog.ocds.max_bytes", "500")
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, "release-package-valid.json"), "format": "JSON"}])
    row = jobs.validate_resource(dataset["resources"][0]["id"])
    assert (row["status"], row["problem"]["code"]) == ("unreadable", "too_large")
    assert row["next_attempt_at"] is None


def test_remote_down_is_retried_with_backoff_then_final(editor_org, closed_port_url):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": closed_port_url, "format": "JSON"}])
    resource_id = dataset["resources"][0]["id"]
    before = model.now()
    row = jobs.validate_resource(resource_id, attempt=1)
    assert (row["status"], row["attempts"], row["problem"]["will_retry"]) == ("fetch_failed", 1, True)
    due = dt.datetime.fromisoformat(row["next_attempt_at"])
    assert before + dt.timedelta(seconds=59) <= due <= model.now() + dt.timedelta(seconds=61)
    row = jobs.validate_resource(resource_id, attempt=2)
    due = dt.datetime.fromisoformat(row["next_attempt_at"])
    assert due >= before + dt.timedelta(seconds=119)  # the delay doubles
    row = jobs.validate_resource(resource_id, attempt=3)  # max_attempts = 3 in the tests
    assert (row["status"], row["next_attempt_at"], row["problem"]["will_retry"]) == ("fetch_failed", None, False)
    assert "127.0.0.1" in row["problem"]["params"]["url"]


def test_due_retries_are_queued(editor_org, closed_port_url, http_server):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": closed_port_url, "format": "JSON"}])
    resource_id = dataset["resources"][0]["id"]
    jobs.validate_resource(resource_id)
    ckan_jobs.get_queue().empty()
    assert jobs.enqueue_due_retries() == 0  # not due yet
    model.save(resource_id, dataset["id"], next_attempt_at=model.now() - dt.timedelta(seconds=1))
    assert jobs.enqueue_due_retries() == 1
    assert _queued_resource_ids() == [resource_id]
    queued = ckan_jobs.get_queue().jobs[0]
    assert queued.kwargs == {"attempt": 2}


def test_format_less_resource_that_is_not_ocds_is_hidden(editor_org, http_server):
    base, routes = http_server
    routes["/portal"] = (200, b"<html>portal</html>", {"Content-Type": "text/html"})
    user, org = editor_org
    dataset = procurement(user, org, [{"url": base + "/portal"}])
    resource_id = dataset["resources"][0]["id"]
    assert _queued_resource_ids() == [resource_id]
    assert jobs.validate_resource(resource_id) is None
    assert "ocds_summary" not in call_action("package_show", id=dataset["id"])["resources"][0]


def test_missing_schema_is_reported_not_crashed(editor_org, http_server, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.ogpcatalog.ocds.standard_zip", "")
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, "release-package-valid.json"), "format": "JSON"}])
    row = jobs.validate_resource(dataset["resources"][0]["id"])
    assert (row["status"], row["problem"]["code"]) == ("error", "schema_unavailable")


def test_deleted_dataset_loses_its_summaries(editor_org, http_server):
    user, org = editor_org
    dataset = procurement(user, org, [{"url": _remote(http_server, "release-package-valid.json"), "format": "JSON"}])
    resource_id = dataset["resources"][0]["id"]
    jobs.validate_resource(resource_id)
    call_action("package_delete", {"user": user["name"]}, id=dataset["id"])
    assert model.get(resource_id) is None
