"""Repeated searches: the memoized plans (``connection.plan_cache``) and the summary cache
never answer with something stale, and pages follow one order however deep they go."""
from __future__ import annotations

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.ogpcatalog.search import connection
from ckanext.ogpcatalog.search.cache import facet_cache

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

ANONYMOUS = {"user": "", "ignore_auth": False}


@pytest.fixture(autouse=True)
def empty_caches():
    connection.plan_cache.clear()
    facet_cache.clear()
    yield
    connection.plan_cache.clear()


def search(context=None, **params):
    return helpers.call_action("package_search", context=dict(context or ANONYMOUS), **params)


def test_a_repeated_search_reuses_its_plan_and_still_sees_new_datasets():
    org = factories.Organization(name="agua-potable")
    factories.Dataset(title="Calidad del agua", owner_org=org["id"])
    params = {"q": "agua", "facet.field": '["organization"]'}

    first = search(**params)
    hits_before = facet_cache.hits
    factories.Dataset(title="Agua potable rural", owner_org=org["id"])
    second = search(**params)
    third = search(**params)

    assert first["count"] == 1
    assert second["count"] == 2
    assert second["search_facets"]["organization"]["items"][0]["count"] == 2
    assert third["count"] == 2
    assert facet_cache.hits == hits_before + 1  # the third, under the same index token
    q, request = "agua", {"fq": "+site_id:x", "rows": 5}
    assert connection.plan_cache.get(q, request) is connection.plan_cache.get(q, dict(request))


def test_an_anonymous_plan_is_not_used_for_a_member():
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "member"}])
    factories.Dataset(name="secret", owner_org=org["id"], private=True)
    factories.Dataset(name="open", owner_org=org["id"])

    anonymous = search(include_private=True, **{"facet.field": '["organization"]'})
    member = search({"user": user["name"], "ignore_auth": False}, include_private=True,
                    **{"facet.field": '["organization"]'})

    assert [d["name"] for d in anonymous["results"]] == ["open"]
    assert sorted(d["name"] for d in member["results"]) == ["open", "secret"]
    assert member["search_facets"]["organization"]["items"][0]["count"] == 2


def test_date_math_on_now_is_planned_at_every_search():
    request = {"q": "metadata_modified:[NOW-1DAY TO NOW]", "rows": 1}

    assert connection.plan_cache.get(None, request) is not connection.plan_cache.get(None, request)
    assert connection.plan_cache.get("agua", {"rows": 1}) is connection.plan_cache.get("agua", {"rows": 1})


def test_a_renamed_institution_shows_its_new_name_in_the_facets():
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="minsalud", title="Ministerio de Salud")
    factories.Dataset(owner_org=org["id"])
    params = {"facet.field": '["organization"]'}
    assert search(**params)["search_facets"]["organization"]["items"][0]["display_name"] == "Ministerio de Salud"

    helpers.call_action("organization_patch", context={"user": sysadmin["name"]},
                        id=org["id"], title="Ministerio de Salud Pública")

    items = search(**params)["search_facets"]["organization"]["items"]
    assert [(i["name"], i["display_name"]) for i in items] == [("minsalud", "Ministerio de Salud Pública")]


@pytest.mark.parametrize("sort", ["metadata_modified desc", "title_string asc", "score desc, name asc"])
def test_pages_at_any_depth_follow_the_order_of_the_whole_list(sort):
    for title in ("agua uno", "Agua dos", "agua agua tres", "cuatro agua", "Agua cinco", "seis agua", "siete"):
        factories.Dataset(title=title, notes="Datos abiertos.")

    whole = [d["name"] for d in search(q="agua", sort=sort, rows=10)["results"]]
    pages = [d["name"] for start in range(0, 6, 2)
             for d in search(q="agua", sort=sort, rows=2, start=start)["results"]]

    assert len(whole) == 6
    assert pages == whole
