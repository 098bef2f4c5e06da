"""`ckan ogpcatalog ocds retry|validate`."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.lib.jobs as ckan_jobs
from ckan.cli.cli import ckan

from ckanext.ogpcatalog.ocds import jobs, model

from .helpers import editor_and_org, procurement


@pytest.fixture
def failed_fetch(with_plugins, clean_db, ocds_settings, closed_port_url):
    user, org = editor_and_org()
    dataset = procurement(user, org, [{"url": closed_port_url, "format": "JSON"}])
    resource_id = dataset["resources"][0]["id"]
    jobs.validate_resource(resource_id)
    ckan_jobs.get_queue().empty()
    yield dataset, resource_id
    ckan_jobs.get_queue().empty()


def test_retry_queues_the_due_attempts(cli, failed_fetch):
    dataset, resource_id = failed_fetch
    model.save(resource_id, dataset["id"], next_attempt_at=model.now() - dt.timedelta(minutes=1))
    result = cli.invoke(ckan, ["ogpcatalog", "ocds", "retry"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    assert [job.args[0] for job in ckan_jobs.get_queue().jobs] == [resource_id]


def test_validate_queues_a_dataset_s_ocds_resources(cli, failed_fetch):
    dataset, resource_id = failed_fetch
    result = cli.invoke(ckan, ["ogpcatalog", "ocds", "validate", dataset["name"]])
    assert result.exit_code == 0, result.output
    assert [job.args[0] for job in ckan_jobs.get_queue().jobs] == [resource_id]
    assert model.get(resource_id)["status"] == "pending"
