"""Commitment evidence names only datasets the reader may read (issue 16, item 5).

An editor of institution A could cite B's private or draft datasets as evidence: the
validator resolved any id with ``Package.get``, and the names then appeared in the anonymous
``package_show`` and in /catalog.ttl as ``ogpc:evidenceDataset``."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _commitment(user: dict, org: dict, *evidence: str) -> dict:
    return call_action("package_create", {"user": user["name"], "ignore_auth": False},
                       type="commitment", name="compromiso-a", title="Compromiso A",
                       owner_org=org["id"], ogp_id="EC0099", action_plan="plan-ec",
                       milestones=[
                           {"description": {"es": "Hito"}, "end_date": "2021-12-31",
                            "evidence_datasets": list(evidence)}])


@pytest.fixture
def setting():
    editor = factories.User()
    org_a = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    org_b = factories.Organization()
    factories.Group(type="action-plan", name="plan-ec", country_or_locality="Ecuador",
                    plan_scope="national", plan_number="1",
                    period_start="2019-09-01", period_end="2022-08-31")
    public = factories.Dataset(name="publico-b", owner_org=org_b["id"])
    private = factories.Dataset(name="secreto-b", owner_org=org_b["id"], private=True)
    draft = factories.Dataset(name="borrador-b", owner_org=org_b["id"], state="draft")
    return {"editor": editor, "a": org_a, "b": org_b, "public": public, "private": private,
            "draft": draft}


@pytest.mark.parametrize("which, by", [("private", "name"), ("private", "id"),
                                       ("draft", "name"), ("draft", "id")])
def test_an_editor_cannot_cite_another_institutions_unreadable_dataset(setting, which, by):
    ref = setting[which][by]

    with pytest.raises(tk.ValidationError) as raised:
        _commitment(setting["editor"], setting["a"], setting["public"]["name"], ref)

    message = str(raised.value.error_dict)
    assert set(raised.value.error_dict) == {"milestones"}, message
    assert "not found" in message.lower() or "no encontrado" in message.lower()
    assert setting[which]["name"] not in message or by == "name"  # an id never turns into its name
    assert model.Session.query(model.Package).filter_by(name="compromiso-a").count() == 0


def test_an_editor_may_cite_readable_datasets(setting):
    own_private = factories.Dataset(owner_org=setting["a"]["id"], private=True)

    pkg = _commitment(setting["editor"], setting["a"], setting["public"]["id"], own_private["name"])

    assert pkg["milestones"][0]["evidence_datasets"] == [setting["public"]["name"], own_private["name"]]


def test_evidence_made_private_later_is_hidden_from_those_who_cannot_read_it(app, setting):
    sysadmin = factories.Sysadmin()
    cited = factories.Dataset(name="luego-privado", owner_org=setting["b"]["id"])
    _commitment(setting["editor"], setting["a"], setting["public"]["name"], cited["name"])
    call_action("package_patch", {"user": sysadmin["name"]}, id=cited["id"], private=True)

    anonymous = app.get("/api/3/action/package_show", query_string={"id": "compromiso-a"}).json
    found = app.get("/api/3/action/package_search",
                    query_string={"fq": "dataset_type:commitment"}).json
    catalog = app.get("/catalog.ttl").body
    as_admin = call_action("package_show", {"user": sysadmin["name"]}, id="compromiso-a")

    assert anonymous["result"]["milestones"][0]["evidence_datasets"] == ["publico-b"]
    assert found["result"]["results"][0]["milestones"][0]["evidence_datasets"] == ["publico-b"]
    # the catalogue links evidence by the datasets' IRIs (their ids), never by name
    assert "luego-privado" not in catalog and cited["id"] not in catalog
    assert f"ogpc:evidenceDataset <http://test.ckan.net/dataset/{setting['public']['id']}>" \
        in catalog
    assert as_admin["milestones"][0]["evidence_datasets"] == ["publico-b", "luego-privado"]
