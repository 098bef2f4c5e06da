"""A date whose parts overflow (a year of hundreds of digits) is a field error, never a 500:
the thorough fuzzing profile found a commitment's ``start_date`` of a few hundred digits
answering a 500 (CKAN's ``isodate`` lets the OverflowError through)."""
from __future__ import annotations

import json

import pytest

import ckan.model as model
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

HUGE = "9" * 300


def _post(app, action, data, token):
    return app.post(f"/api/3/action/{action}", data=json.dumps(data), status=None,
                    headers={"Authorization": token, "Content-Type": "application/json"})


@pytest.mark.parametrize("value", [HUGE, "2020-01-01T" + "9" * 40, "1" * 30 + "-01-01"])
def test_an_overflowing_commitment_date_is_a_field_error_and_nothing_changes(app, value):
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization()
    data = {"type": "commitment", "name": "compromiso-fechas", "title": "Compromiso",
            "owner_org": org["id"], "start_date": value}
    response = _post(app, "package_create", data, sysadmin["token"])
    assert response.status_code == 409, response.body[:500]
    assert "start_date" in response.json["error"], response.json["error"]
    assert model.Session.query(model.Package).filter_by(name="compromiso-fechas").count() == 0


def test_an_overflowing_date_in_an_update_leaves_the_dataset_as_it_was(app):
    sysadmin = factories.SysadminWithToken()
    dataset = factories.Dataset()
    before = model.Session.query(model.Package).get(dataset["id"]).metadata_modified
    resource = factories.Resource(package_id=dataset["id"])
    # CKAN's resource dates go through the same validator.
    response = _post(app, "resource_patch", {"id": resource["id"], "last_modified": HUGE},
                     sysadmin["token"])
    assert response.status_code == 409, response.body[:500]
    assert "last_modified" in response.json["error"], response.json["error"]
    model.Session.expire_all()
    assert model.Session.query(model.Resource).get(resource["id"]).last_modified is None
    assert before is not None
