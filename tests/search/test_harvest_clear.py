"""Clearing a harvest source on the embedded backend: ``ckan harvester source clear``, the
``harvest_source_clear`` action and the admin page's "Clear" button remove the source's
datasets from the database and the index (no ghost answers ``package_search``), and keep the
source itself, re-indexed (issue 19, item 2).

ckanext-harvest 1.6.3 sends ``BEGIN; ... COMMIT;`` through the SQLAlchemy session: the index
writes that follow (``harvest_source_reindex``) run on a connection with no transaction open.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.dcat import harvest_server as hs

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG)]


@pytest.fixture(scope="module")
def server():
    srv = hs.HarvestServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def harvested(server):
    org = hs.institution("inec", "Instituto Nacional de Estadística y Censos",
                         "National Institute of Statistics and Census")
    src = hs.source(server.url("/file/catalog.ttl"), org["id"])
    hs.harvest(src["id"])
    own = factories.Dataset(owner_org=org["id"], title="Publicado a mano")
    ids = [row[0] for row in model.Session.execute(sa.text(
        "SELECT package_id FROM harvest_object WHERE harvest_source_id = :id "
        "AND package_id IS NOT NULL"), {"id": src["id"]})]
    assert len(set(ids)) >= 2, "the catalogue fixture harvests several datasets"
    model.Session.remove()
    return {"source": src, "datasets": sorted(set(ids)), "own": own}


def committed_index_ids() -> set[str]:
    with model.meta.engine.connect() as connection:
        return {row[0] for row in connection.execute(sa.text("SELECT id FROM ogpcatalog_search_index"))}


def assert_cleared(harvested) -> None:
    model.Session.remove()
    source_id = harvested["source"]["id"]
    found = call_action("package_search", fq=f'harvest_source_id:"{source_id}"',
                        include_private=True)
    assert found["count"] == 0, [d["name"] for d in found["results"]]  # no ghost
    with model.meta.engine.connect() as connection:
        left = connection.execute(sa.text("SELECT count(*) FROM package WHERE id = ANY(:ids)"),
                                  {"ids": harvested["datasets"]}).scalar()
    assert left == 0
    indexed = committed_index_ids()
    assert indexed & set(harvested["datasets"]) == set()
    # The source itself stays, re-indexed, and so does the dataset published by hand.
    assert {source_id, harvested["own"]["id"]} <= indexed
    shown = call_action("harvest_source_show", id=source_id)
    assert shown["status"]["total_datasets"] == 0
    assert call_action("package_search", fq="dataset_type:harvest")["count"] == 1


def test_harvester_source_clear_command(cli, harvested):
    result = cli.invoke(ckan_command, ["harvester", "source", "clear", harvested["source"]["name"]])

    assert result.exit_code == 0, result.output
    assert result.exception is None, repr(result.exception)
    assert_cleared(harvested)


def test_harvest_source_clear_action(harvested):
    answer = call_action("harvest_source_clear", context=hs.site_context(),
                         id=harvested["source"]["id"])

    assert answer == {"id": harvested["source"]["id"]}
    assert_cleared(harvested)


def test_harvest_source_clear_through_the_api(app, harvested):
    sysadmin = factories.SysadminWithToken()
    response = app.post("/api/3/action/harvest_source_clear",
                        json={"id": harvested["source"]["id"]},
                        headers={"Authorization": sysadmin["token"]}, status=200)

    assert response.json["success"] is True
    assert_cleared(harvested)


def test_clear_button_of_the_admin_page(app, harvested):
    sysadmin = factories.SysadminWithToken()
    headers = {"Authorization": sysadmin["token"]}
    source_id = harvested["source"]["id"]  # the admin page's button posts the id

    response = app.post(f"/harvest/clear/{source_id}", headers=headers, follow_redirects=False)
    assert response.status_code == 302
    page = app.get(response.headers["Location"], headers=headers, status=200)

    assert "An error occurred" not in page.body
    assert_cleared(harvested)
