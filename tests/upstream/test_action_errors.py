"""Actions' NotAuthorized/NotFound escaping CKAN core's views answer 403/404, never 500."""
from __future__ import annotations

import pytest

from ckan.tests import factories


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_anonymous_follow_is_forbidden_not_a_server_error(app):
    dataset = factories.Dataset()
    for action in ("follow", "unfollow"):
        response = app.post(f"/dataset/{action}/{dataset['id']}", status=None, follow_redirects=False)
        assert response.status_code == 403, response.body[:300]
        assert "No tiene autorización para ver esta página" in response.body


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_editing_a_resource_view_that_does_not_exist_is_not_found(app):
    sysadmin = factories.SysadminWithToken()
    dataset = factories.Dataset()
    resource = factories.Resource(package_id=dataset["id"])
    response = app.post(f"/en/dataset/{dataset['name']}/resource/{resource['id']}/edit_view/missing",
                        headers={"Authorization": sysadmin["token"]}, status=None, follow_redirects=False)
    assert response.status_code == 404, response.body[:300]
    assert "Not found" in response.body
