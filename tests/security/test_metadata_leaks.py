"""Anonymous visitors learn nothing of datasets they cannot read through tag and format
lists, activity streams or harvest source status (issue 16 item 9); sysadmins keep CKAN's
answers."""
from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _api(app, action: str, **params) -> object:
    return app.get(f"/api/3/action/{action}", query_string=params).json["result"]


@pytest.fixture
def datasets():
    org = factories.Organization()
    public = factories.Dataset(owner_org=org["id"], tags=[{"name": "visible-tag"}],
                               resources=[{"url": "http://example.org/a", "format": "CSV"}])
    private = factories.Dataset(owner_org=org["id"], private=True,
                                tags=[{"name": "secret-private"}],
                                resources=[{"url": "http://example.org/b", "format": "SECRETFMT"}])
    draft = factories.Dataset(owner_org=org["id"], state="draft", tags=[{"name": "secret-draft"}],
                              resources=[{"url": "http://example.org/c", "format": "DRAFTFMT"}])
    deleted = factories.Dataset(owner_org=org["id"], tags=[{"name": "secret-deleted"}],
                                resources=[{"url": "http://example.org/d", "format": "GONEFMT"}])
    admin = factories.Sysadmin()
    call_action("package_delete", {"user": admin["name"]}, id=deleted["id"])
    return {"org": org, "public": public, "private": private, "draft": draft, "admin": admin}


def test_tag_list_shows_anonymous_only_tags_of_public_active_datasets(app, datasets):
    assert _api(app, "tag_list") == ["visible-tag"]
    assert _api(app, "tag_list", query="secret") == []


def test_tag_autocomplete_and_search_hide_tags_of_non_public_datasets(app, datasets):
    assert _api(app, "tag_autocomplete", q="secret") == []
    assert _api(app, "tag_autocomplete", q="tag") == ["visible-tag"]
    assert _api(app, "tag_search", q="secret") == {"count": 0, "results": []}


def test_format_autocomplete_hides_formats_of_non_public_datasets(app, datasets):
    assert _api(app, "format_autocomplete", q="fmt") == []
    assert _api(app, "format_autocomplete", q="cs") == ["csv"]


def test_sysadmin_keeps_the_stock_answers(datasets):
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"], "ignore_auth": False}
    assert "secret-private" in call_action("tag_list", context)
    assert "secretfmt" in call_action("format_autocomplete", dict(context), q="fmt")


def test_member_of_the_institution_sees_its_private_tags(datasets):
    member = factories.User()
    call_action("organization_member_create", {"user": datasets["admin"]["name"]},
                id=datasets["org"]["id"],
                username=member["name"], role="editor")
    tags = call_action("tag_list", {"user": member["name"], "ignore_auth": False})
    assert "secret-private" in tags and "secret-deleted" not in tags


def test_activity_of_a_dataset_made_private_later_is_hidden_from_anonymous(app, datasets):
    org, admin = datasets["org"], {"user": datasets["admin"]["name"]}
    shown = call_action("package_create", dict(admin), name="always-public", owner_org=org["id"])
    later = call_action("package_create", dict(admin), name="was-public-once", owner_org=org["id"])
    call_action("package_patch", {"user": datasets["admin"]["name"]}, id=later["id"],
                private=True)
    for action, params in (("recently_changed_packages_activity_list", {}),
                           ("organization_activity_list", {"id": org["id"]})):
        activities = _api(app, action, **params)
        assert later["id"] not in {a["object_id"] for a in activities}, action
        assert shown["id"] in {a["object_id"] for a in activities}, action


@pytest.mark.ckan_config("ckanext.ogpcatalog.harvest.allowed_private_addresses", "127.0.0.1")
def test_harvest_source_status_hides_error_summaries_from_anonymous(app, datasets):
    from ckanext.harvest.tests.factories import HarvestSourceObj

    source = HarvestSourceObj(url="http://127.0.0.1:9/catalog.ttl", source_type="ogpcatalog_dcat",
                              owner_org=datasets["org"]["id"])
    call_action("harvest_job_create", {"user": datasets["admin"]["name"]}, source_id=source.id,
                run=False)
    anonymous = _api(app, "harvest_source_show_status", id=source.id)
    assert "gather_error_summary" not in anonymous["last_job"]
    assert "object_error_summary" not in anonymous["last_job"]
    sysadmin = factories.Sysadmin()
    full = call_action("harvest_source_show_status", {"user": sysadmin["name"]}, id=source.id)
    assert "gather_error_summary" in full["last_job"]
