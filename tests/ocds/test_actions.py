"""The OCDS actions: summary, re-validation, suggestions (observed vs declared) and their auth."""
from __future__ import annotations

import pytest

import ckan.lib.jobs as ckan_jobs
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

from ckanext.ogpcatalog.ocds import jobs

from .conftest import fixture_bytes
from .helpers import editor_and_org, procurement


@pytest.fixture
def validated(with_plugins, clean_db, ocds_settings, http_server):
    """A procurement dataset whose JSON resource was validated (the valid fixture)."""
    base, routes = http_server
    routes["/releases.json"] = (200, fixture_bytes("release-package-valid.json"), {})
    user, org = editor_and_org()
    dataset = procurement(user, org, [{"url": base + "/releases.json", "format": "JSON", "name": "Entregas"}],
                          stages=["planning", "tender"], ocid_prefixes=["ocds-abc123"],
                          period_start="2024-03-01", period_end="2024-06-30")
    jobs.validate_resource(dataset["resources"][0]["id"])
    ckan_jobs.get_queue().empty()
    return user, org, dataset


def test_summary_show_returns_the_full_report(validated):
    _user, _org, dataset = validated
    row = call_action("ogpcatalog_ocds_summary_show", id=dataset["resources"][0]["id"])
    assert row["status"] == "valid"
    assert row["summary"]["contract_totals"] == [{"currency": "USD", "amount": "106200", "count": 2}]
    assert row["message"] == ""


def test_summary_show_of_a_resource_without_validation_is_not_found(validated):
    user, _org, dataset = validated
    other = call_action("resource_create", {"user": user["name"]}, package_id=dataset["id"],
                        url="https://datos.example.gob/x.csv", format="CSV")
    with pytest.raises(tk.ObjectNotFound):
        call_action("ogpcatalog_ocds_summary_show", id=other["id"])


def test_summary_of_a_private_dataset_is_hidden_from_anonymous(validated):
    user, _org, dataset = validated
    call_action("package_patch", {"user": user["name"]}, id=dataset["id"], private=True)
    with pytest.raises(tk.NotAuthorized):
        call_auth("ogpcatalog_ocds_summary_show", {"user": "", "ignore_auth": False},
                  id=dataset["resources"][0]["id"])


def test_editor_can_validate_again(validated):
    user, _org, dataset = validated
    resource_id = dataset["resources"][0]["id"]
    row = call_action("ogpcatalog_ocds_validate", {"user": user["name"]}, id=resource_id)
    assert row["status"] == "pending"
    assert [job.args[0] for job in ckan_jobs.get_queue().jobs] == [resource_id]


def test_other_users_cannot_validate_again(validated):
    _user, _org, dataset = validated
    stranger = factories.User()
    with pytest.raises(tk.NotAuthorized):
        call_auth("ogpcatalog_ocds_validate", {"user": stranger["name"]}, id=dataset["resources"][0]["id"])
    with pytest.raises(tk.NotAuthorized):
        call_auth("ogpcatalog_ocds_validate", {"user": ""}, id=dataset["resources"][0]["id"])


def test_validate_requires_an_id(validated):
    user, _org, _dataset = validated
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_ocds_validate", {"user": user["name"], "ignore_auth": True})
    assert "id" in error.value.error_dict


def test_suggestions_compare_declared_and_observed(validated):
    _user, _org, dataset = validated
    rows = {r["field"]: r for r in call_action("ogpcatalog_ocds_suggestions_show", id=dataset["id"])["fields"]}
    assert rows["stages"]["observed"] == ["tender", "award", "contract"]
    assert rows["stages"]["mismatch"] is True
    assert rows["ocid_prefixes"]["mismatch"] is False and rows["ocid_prefixes"]["suggested"] is False
    assert rows["period_start"]["observed"] == "2024-02-01" and rows["period_start"]["mismatch"] is True
    assert rows["period_end"]["observed"] == "2024-11-20" and rows["period_end"]["mismatch"] is True
    assert rows["procurement_methods"]["declared"] is None and rows["procurement_methods"]["suggested"] is True
    assert rows["total_values"]["observed"] == [{"currency": "USD", "amount": "106200"}]
    assert rows["ocds_package_type"]["observed"] == "release-package"


def test_suggestions_are_applied_only_when_the_editor_confirms(validated):
    user, _org, dataset = validated
    before = call_action("package_show", id=dataset["id"])
    assert before["stages"] == ["planning", "tender"]
    updated = call_action("ogpcatalog_ocds_suggestions_apply", {"user": user["name"]}, id=dataset["id"],
                          fields=["stages", "procurement_methods", "total_values", "currencies"])
    assert updated["stages"] == ["tender", "award", "contract"]
    assert updated["procurement_methods"] == ["open", "direct"]
    assert [(t["currency"], float(t["amount"])) for t in updated["total_values"]] == [("USD", 106200.0)]
    assert updated["currencies"] == ["USD"]
    # Not chosen: unchanged.
    assert updated["period_start"] == "2024-03-01"


def test_applying_a_field_without_suggestion_is_refused(validated):
    user, _org, dataset = validated
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_ocds_suggestions_apply", {"user": user["name"]}, id=dataset["id"],
                    fields=["ocid_prefixes"])
    assert "fields" in error.value.error_dict


def test_only_editors_apply_suggestions(validated):
    _user, _org, dataset = validated
    stranger = factories.User()
    with pytest.raises(tk.NotAuthorized):
        call_auth("ogpcatalog_ocds_suggestions_apply", {"user": stranger["name"]}, id=dataset["id"])
