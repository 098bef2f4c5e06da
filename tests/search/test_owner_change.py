"""A dataset moved to another institution with ``package_owner_org_update`` is found under
its new institution, and a later ``package_patch`` keeps it there. CKAN 2.12 moved it without
re-indexing it and kept ``metadata_modified``, so ``package_show`` answered the old owner from
the index and the next patch moved the dataset back (the extension re-indexes it)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def test_a_moved_dataset_is_indexed_under_its_new_institution_and_stays_there():
    sysadmin = factories.Sysadmin()
    old, new = factories.Organization(), factories.Organization()
    dataset = factories.Dataset(owner_org=old["id"])
    user = {"user": sysadmin["name"]}

    call_action("package_owner_org_update", dict(user), id=dataset["id"], organization_id=new["id"])

    assert call_action("package_show", dict(user), id=dataset["id"])["owner_org"] == new["id"]
    found = call_action("package_search", dict(user), fq=f"owner_org:{new['id']}")
    assert [d["id"] for d in found["results"]] == [dataset["id"]]
    assert call_action("package_search", dict(user), fq=f"owner_org:{old['id']}")["count"] == 0

    call_action("package_patch", dict(user), id=dataset["id"], notes="Actualizado")

    owner = model.Session.execute(sa.text("SELECT owner_org FROM package WHERE id = :id"),
                                  {"id": dataset["id"]}).scalar()
    assert owner == new["id"]
