"""Deep JSON (200,000 nested brackets) never reaches Python's recursive parser: the harvest's
gather stage records a clear error, the commitments import answers 400 naming the limit, the
OCDS validation stores the reason (issue 16 item 4)."""
from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

import ckan.plugins.toolkit as tk
from ckanext.ogpcatalog.dcat import guards
from ckanext.ogpcatalog.logic import json_input
from ckanext.ogpcatalog.ocds import detect, jobs

DEEP = b'{"@context": {}, "@graph": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"


def test_nesting_is_measured_without_recursion_and_strings_do_not_count():
    assert json_input.nesting(b"[" * 200_000) == 200_000
    assert json_input.nesting('{"a": "[[[[\\"[[", "b": [[1, {"c": []}]]}') == 5


def test_catalogue_of_deep_json_is_refused_naming_the_limit():
    with pytest.raises(guards.GuardError) as error:
        guards.load_json(DEEP, "http://example.org/catalog.jsonld")
    assert "64" in str(error.value) and "ckanext.ogpcatalog.json.max_nesting" in str(error.value)


@pytest.mark.ckan_config("ckanext.ogpcatalog.json.max_nesting", "3")
def test_the_limit_is_the_setting():
    guards.load_json(b'{"a": [[1]]}', "http://example.org/x")
    with pytest.raises(guards.GuardError):
        guards.load_json(b'{"a": [[[1]]]}', "http://example.org/x")


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.ogpcatalog.harvest.allowed_private_addresses", "127.0.0.1")
def test_harvest_job_of_deep_json_ends_with_the_error_recorded():
    from tests.dcat import harvest_server as hs

    with hs.serving(DEEP, "/deep.jsonld", content_type="application/ld+json") as url:
        org = hs.institution("inec", "Instituto", "Institute")
        src = hs.source(url, org["id"])
        job, _results = hs.harvest(src["id"])
        dry = call_action("ogpcatalog_harvest_source_dry_run", context=hs.site_context(),
                          id=src["id"])
    assert job.status == "Finished"
    assert any("max_nesting" in message for message in hs.job_messages(job))
    assert dry["fatal"] is True and "max_nesting" in dry["errors"][0]


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_commitments_import_of_deep_json_answers_a_validation_error_naming_the_limit(app):
    """CKAN's API answers every ValidationError 409, as the import's other input errors."""
    sysadmin = factories.SysadminWithToken()
    response = app.post("/api/3/action/ogpcatalog_commitments_import",
                        json={"csv": DEEP.decode()}, headers={"Authorization": sysadmin["token"]},
                        status=409)
    message = response.json["error"]["csv"][0]
    assert "max_nesting" in message


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_commitments_import_of_deep_json_is_a_validation_error():
    sysadmin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_commitments_import", {"user": sysadmin["name"]},
                    csv=DEEP.decode())
    assert "max_nesting" in error.value.error_dict["csv"][0]


def test_ocds_file_of_deep_json_is_a_file_problem_not_a_crash():
    with pytest.raises(detect.FileProblem) as problem:
        jobs.analyse(b'{"releases": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")
    assert problem.value.code == "too_deep"
    assert problem.value.params["setting"] == "ckanext.ogpcatalog.json.max_nesting"
