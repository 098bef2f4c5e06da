"""Who may see the publishers dashboard: the portal-wide pages follow
``ckanext.ogpcatalog.metrics.public_dashboard``; an institution's page is also open to its
editors and admins."""
from __future__ import annotations

import pytest

from tests.metrics.dashboard_portal import NO_CACHE, app, portal, token  # noqa: F401 - the module's fixtures

pytestmark = NO_CACHE


ROLES = ("anonymous", "stranger", "member", "editor", "admin", "other_admin", "sysadmin")


def _get(app, portal, role, url, status):
    headers = {} if role == "anonymous" else token(portal[role])
    return app.get(url, headers=headers, status=status, follow_redirects=False)


@pytest.mark.parametrize("role, status", [
    ("anonymous", 403), ("stranger", 403), ("member", 403), ("editor", 302), ("admin", 302),
    ("other_admin", 302), ("sysadmin", 200)])
def test_portal_dashboard_is_for_sysadmins_by_default(app, portal, role, status):
    response = _get(app, portal, role, "/publishers", status)

    if status == 302:  # an institution's editor or admin is sent to their institution's page
        own = "senescyt" if role == "other_admin" else "msp"
        assert response.headers["Location"].endswith(f"/publishers/{own}")


@pytest.mark.ckan_config("ckanext.ogpcatalog.metrics.public_dashboard", True)
@pytest.mark.usefixtures("ckan_config")
@pytest.mark.parametrize("role", ROLES)
def test_portal_dashboard_is_open_to_all_when_public(app, portal, role):
    _get(app, portal, role, "/publishers", 200)


@pytest.mark.parametrize("role, status", [
    ("anonymous", 403), ("stranger", 403), ("member", 403), ("editor", 200), ("admin", 200),
    ("other_admin", 403), ("sysadmin", 200)])
def test_institution_page_is_for_its_editors_admins_and_sysadmins(app, portal, role, status):
    _get(app, portal, role, "/publishers/msp", status)


@pytest.mark.ckan_config("ckanext.ogpcatalog.metrics.public_dashboard", True)
@pytest.mark.usefixtures("ckan_config")
@pytest.mark.parametrize("role", ROLES)
def test_institution_page_is_open_to_all_when_public(app, portal, role):
    _get(app, portal, role, "/publishers/msp", 200)


@pytest.mark.parametrize("table", ["summary", "institutions", "coverage", "compliance", "timeseries",
                                   "overdue", "quality"])
@pytest.mark.parametrize("role, status", [("anonymous", 403), ("admin", 403), ("sysadmin", 200)])
def test_portal_wide_exports_follow_the_dashboard(app, portal, table, role, status):
    _get(app, portal, role, f"/publishers/export/{table}.csv", status)


@pytest.mark.parametrize("table", ["overdue", "quality", "timeseries", "obligations"])
@pytest.mark.parametrize("role, status", [("member", 403), ("editor", 200), ("admin", 200),
                                          ("other_admin", 403)])
def test_institution_exports_are_for_its_editors_and_admins(app, portal, table, role, status):
    _get(app, portal, role, f"/publishers/export/{table}.csv?institution=msp", status)


@pytest.mark.ckan_config("ckanext.ogpcatalog.metrics.public_dashboard", True)
@pytest.mark.usefixtures("ckan_config")
def test_exports_are_open_when_public(app, portal):
    _get(app, portal, "anonymous", "/publishers/export/institutions.xlsx", 200)


def test_a_refusal_is_a_page_in_the_visitors_language(app, portal):
    spanish = _get(app, portal, "anonymous", "/publishers", 403)
    english = _get(app, portal, "anonymous", "/en/publishers", 403)

    assert 'lang="es"' in spanish.body
    assert "You are not allowed to see these publisher metrics." in english.body
