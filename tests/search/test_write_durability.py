"""``commit=True`` index writes are durable when they return (as Solr's are), and the index
never shows a dataset state that the database rolled back (issue 19)."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.logic as logic
import ckan.model as model
import ckan.tests.factories as factories
from ckan.cli.cli import ckan as ckan_command
from ckan.lib.search.index import PackageSearchIndex

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def committed_titles() -> dict[str, str]:
    """The index rows as another connection sees them: what is committed."""
    with model.meta.engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT name, data_dict FROM ogpcatalog_search_index")).all()
    return {name: json.loads(data)["title"] for name, data in rows}


def test_cli_search_index_clear_of_one_dataset_is_committed(cli):
    kept, cleared = factories.Dataset(title="Queda"), factories.Dataset(title="Se borra")
    model.Session.remove()

    result = cli.invoke(ckan_command, ["search-index", "clear", cleared["name"]])

    assert result.exit_code == 0, result.output
    model.Session.rollback()  # whatever the command left pending is lost
    assert committed_titles() == {kept["name"]: "Queda"}


def test_index_package_with_commit_survives_the_sessions_rollback():
    dataset = factories.Dataset(title="Original")
    model.Session.execute(sa.text("DELETE FROM ogpcatalog_search_index"))
    model.Session.commit()

    # index_package(commit=True) on a session that changed nothing (and never commits)
    logic.index_update_package({"ignore_auth": True}, dataset["id"])
    model.Session.rollback()

    assert committed_titles() == {dataset["name"]: "Original"}


def test_a_write_that_describes_uncommitted_data_rolls_back_with_it():
    dataset = factories.Dataset(title="Original")
    model.Session.remove()

    package = model.Package.get(dataset["id"])
    package.title = "Nunca confirmado"
    model.Session.flush()
    # package_show reads the flushed, uncommitted title; index_package(commit=True)
    logic.index_update_package({"ignore_auth": True}, dataset["id"])
    assert committed_titles() == {dataset["name"]: "Original"}  # not visible before the commit
    model.Session.rollback()

    assert committed_titles() == {dataset["name"]: "Original"}
    assert model.Package.get(dataset["id"]).title == "Original"


def test_a_write_with_pending_orm_changes_waits_for_their_commit():
    dataset = factories.Dataset(title="Original")
    model.Session.remove()

    package = model.Package.get(dataset["id"])
    package.title = "Pendiente"  # not flushed yet
    changed = {**dataset, "title": "Pendiente"}
    PackageSearchIndex().index_package({**changed, "with_custom_schema": changed}, defer_commit=False)
    assert committed_titles() == {dataset["name"]: "Original"}
    model.Session.commit()

    assert committed_titles() == {dataset["name"]: "Pendiente"}


def test_an_autonomous_write_renews_the_change_token():
    dataset = factories.Dataset()
    model.Session.remove()
    with model.meta.engine.connect() as connection:
        before = connection.execute(sa.text("SELECT token FROM ogpcatalog_search_state")).scalar()

    search.clear(dataset["name"])
    model.Session.rollback()

    with model.meta.engine.connect() as connection:
        after = connection.execute(sa.text("SELECT token FROM ogpcatalog_search_state")).scalar()
    assert after != before
    assert committed_titles() == {}
