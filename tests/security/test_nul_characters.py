"""A NUL character (PostgreSQL refuses it in text) is a field error, never a 500: the thorough
fuzzing profile found `buyer` and `action_plan` values holding one ending in a 500."""
from __future__ import annotations

import json

import pytest

import ckan.model as model
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.mark.parametrize("field, value", [
    ("buyer", "\x00"), ("action_plan", "\x00"), ("title", "Compras\x00"),
    ("tags", [{"name": "salud\x00"}]), ("title_translated", {"es": "a\x00", "en": "b"}),
    ("tags", "not a list"),  # the wrong-type error of tags, in CKAN's shape for tag errors
])
def test_a_nul_character_is_a_field_error_and_nothing_is_stored(app, field, value):
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization()
    data = {"name": "con-nulo", "title": "Con nulo", "owner_org": org["id"], field: value}
    response = app.post("/api/3/action/package_create", data=json.dumps(data),
                        headers={"Authorization": sysadmin["token"], "Content-Type": "application/json"},
                        status=None)
    assert response.status_code == 409, response.body[:500]
    assert field in response.json["error"], response.json["error"]
    assert model.Session.query(model.Package).filter_by(name="con-nulo").count() == 0
