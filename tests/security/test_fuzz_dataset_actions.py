"""Fuzzing of the create and update actions of every dataset type (Hypothesis).

Each example takes a valid dataset of the type and replaces or adds a few fields with
generated values (wrong types, huge or hostile text, nested garbage, unknown keys) and sends
it through the HTTP API as a sysadmin. Whatever comes in:
- the answer is never a 500 (only 200, or 409 with validation errors);
- a rejection names fields: every key of the error is a field of the type's schema, a core
  field, or one of the generated unknown keys;
- a rejected request changes nothing in the database (datasets, extras, resources,
  activities, the search index; for an update, the stored dataset).

Examples per type: ``HYPOTHESIS_PROFILE=ci`` (default, 30 per action and type) or
``thorough`` (2,000 per action and type: ``make fuzz``).
"""
from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

import ckan.model as model
from ckan.tests import factories

from tests.schemas.test_commitment import _commitment
from tests.schemas.test_dataset import DCAT_FIELDS
from tests.schemas.test_procurement import EMERGENCY

settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

CORE_FIELDS = {"name", "title", "notes", "owner_org", "private", "state", "type", "url", "version",
               "license_id", "tags", "tag_string", "extras", "resources", "groups", "author",
               "author_email", "maintainer", "maintainer_email", "id", "__extras", "__junk",
               "__before", "__after"}


def _valid(dataset_type: str, number: int) -> dict[str, Any]:
    name = f"fuzz-{dataset_type}-{number:06d}"
    if dataset_type == "procurement":
        data = copy.deepcopy(EMERGENCY)
        data["owner_org"] = "sercop"
        data["buyer"] = "sercop"
    elif dataset_type == "commitment":
        data = _commitment()
        data["ogp_id"] = f"EC{number % 10000:04d}"
        for milestone in data["milestones"]:
            milestone["evidence_datasets"] = []
    else:
        data = {"type": "dataset", "owner_org": "sercop", "license_id": "cc-by",
                "title_translated": {"es": "Egresos hospitalarios", "en": "Hospital discharges"},
                **copy.deepcopy(DCAT_FIELDS)}
    data["name"] = name
    return data


def _schema_fields(dataset_type: str) -> set[str]:
    import ckan.plugins.toolkit as tk
    schema = tk.h.scheming_get_dataset_schema(dataset_type)
    return {field["field_name"] for field in schema["dataset_fields"] + schema["resource_fields"]}


HOSTILE_TEXT = st.sampled_from([
    "", " ", "<script>alert(1)</script>", "'; DROP TABLE package; --", "{{ 7*7 }}", "${jndi:x}",
    "\x00", "\u202e\u0645", "ñandú çà", "9" * 400, "x" * 20_000, '{"es": 1}', '{"es": "a", "zz": "b"}',
    "[1, 2]", "null", "2024-13-45", "NaN", "javascript:alert(1)", "=HYPERLINK(\"x\")",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=300), HOSTILE_TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(["es", "en", "fr", "", "__x"]), st.text(max_size=8)),
                    inner, max_size=4)), max_leaves=12)


def _mutation(fields: list[str]):
    unknown = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=12).map(lambda s: "zz_" + s)
    return st.dictionaries(st.one_of(st.sampled_from(fields), unknown), VALUES, min_size=1, max_size=4)


def _state() -> tuple:
    """What a rejected request must leave as it was."""
    model.Session.remove()
    with model.meta.engine.connect() as connection:
        return tuple(connection.execute(sa.text(statement)).scalar() for statement in (
            "SELECT count(*) FROM package", "SELECT md5(string_agg(id || coalesce(extras::text, ''), ',' ORDER BY id)) FROM package",
            "SELECT count(*) FROM resource", "SELECT count(*) FROM activity",
            "SELECT max(metadata_modified)::text FROM package",
            "SELECT count(*) FROM ogpcatalog_search_index",
            "SELECT coalesce(max(seq), 0) FROM ogpcatalog_search_index"))


def _check(response, fields: set[str], sent: dict[str, Any]) -> dict[str, Any] | None:
    assert response.status_code in (200, 409), (response.status_code, response.body[:2000])
    body = json.loads(response.body)
    if response.status_code == 200:
        assert body["success"] is True
        return None
    error = body["error"]
    assert error["__type"] == "Validation Error", error
    named = set(error) - {"__type", "message"}
    assert named, f"a rejection that names no field: {error}"
    assert named <= fields | CORE_FIELDS | set(sent), f"unknown error keys {named - fields - CORE_FIELDS}"
    return error


@pytest.fixture
def portal():
    """One institution, one action plan, a sysadmin and one valid dataset of each type."""
    sysadmin = factories.SysadminWithToken()
    factories.Organization(name="sercop", title="Servicio Nacional de Contratación Pública")
    factories.Group(type="action-plan", name="ecuador-2019-2022",
                    title_translated={"es": "Plan 2019-2022", "en": "Plan 2019-2022"},
                    country_or_locality="Ecuador", plan_scope="national")
    return {"token": sysadmin["token"]}


@pytest.mark.parametrize("dataset_type", ["dataset", "procurement", "commitment"])
def test_create_with_generated_fields_never_500s_and_rejections_change_nothing(app, portal, dataset_type):
    fields = _schema_fields(dataset_type)
    counter = iter(range(10**5))
    # The unmutated dataset is valid: the examples differ from it only by what was generated.
    app.post("/api/3/action/package_create", json=_valid(dataset_type, 99_999),
             headers={"Authorization": portal["token"]}, status=200)

    @given(mutation=_mutation(sorted(fields)))
    def check(mutation):
        data = _valid(dataset_type, next(counter))
        data.update(mutation)
        before = _state()
        response = app.post("/api/3/action/package_create", json=data,
                            headers={"Authorization": portal["token"]}, status=None)
        if _check(response, fields, mutation) is not None:
            assert _state() == before

    check()


@pytest.mark.parametrize("dataset_type", ["dataset", "procurement", "commitment"])
def test_update_with_generated_fields_never_500s_and_rejections_keep_the_dataset(app, portal, dataset_type):
    fields = _schema_fields(dataset_type)
    headers = {"Authorization": portal["token"]}
    original = _valid(dataset_type, 999_999)
    created = app.post("/api/3/action/package_create", json=original, headers=headers).json["result"]

    @given(mutation=_mutation(sorted(fields)))
    def check(mutation):
        stored = app.post("/api/3/action/package_show", json={"id": created["id"]}, headers=headers).json["result"]
        data = {**copy.deepcopy(original), "id": created["id"], **mutation}
        before = _state()
        response = app.post("/api/3/action/package_update", json=data, headers=headers, status=None)
        if _check(response, fields, mutation) is not None:
            assert _state() == before
            after = app.post("/api/3/action/package_show", json={"id": created["id"]}, headers=headers).json["result"]
            assert after == stored
        else:  # accepted: put the valid dataset back for the next example
            app.post("/api/3/action/package_update", json={**copy.deepcopy(original), "id": created["id"]},
                     headers=headers)

    check()
