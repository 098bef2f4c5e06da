"""The root group `ckan ogpcatalog`: its subgroups, and the former command names, which stay as
aliases that run the same code (hidden from the list of commands)."""
from __future__ import annotations

import pytest

from ckan.cli.cli import ckan

from ckanext.ogpcatalog.cli import ogpcatalog
from ckanext.ogpcatalog.metrics.cli import metrics
from ckanext.ogpcatalog.search.cli import search_group

SUBGROUPS = {"search", "metrics", "ocds", "commitments", "demo", "harvest"}


def _run(cli, *args: str):
    return cli.invoke(ckan, ["ogpcatalog", "--lang", "en", *args])


def test_the_root_group_lists_its_subgroups_and_the_scheduler_not_the_former_names(cli):
    result = _run(cli, "--help")

    assert result.exit_code == 0, result.output
    listed = set(result.output.split("Commands:")[1].split()) & (
        SUBGROUPS | {"schedule", "solr-fields", "harvest-consumer"})
    assert listed == SUBGROUPS | {"schedule"}


@pytest.mark.parametrize("former, current", [
    (("solr-fields",), ("search", "solr-fields")),
    (("harvest-consumer",), ("harvest", "consumer")),
])
def test_a_former_name_runs_the_same_command(former, current):
    def command(path):
        found = ogpcatalog
        for name in path:
            found = found.commands[name]
        return found

    alias, command_now = command(former), command(current)
    assert alias.hidden and not command_now.hidden
    assert alias.callback is command_now.callback
    assert alias.params == command_now.params


def test_the_search_plugin_group_holds_the_same_commands_as_the_search_subgroup():
    subgroup = ogpcatalog.commands["search"]

    assert search_group.name == "ogpcatalog-search"
    for name in ("init", "rebuild"):
        assert search_group.commands[name] is subgroup.commands[name]


def test_former_metrics_scheduler_is_hidden():
    """What it runs: tests/schedule/test_cli.py (the schedule command's snapshot job)."""
    assert metrics.commands["scheduler"].hidden
    assert not ogpcatalog.commands["schedule"].hidden


@pytest.mark.usefixtures("with_plugins")
def test_former_solr_fields_runs(cli):
    result = _run(cli, "solr-fields")

    assert result.exit_code == 0, result.output
    assert "Search runs on PostgreSQL (ogpcatalog_search), not Solr" in result.output


def test_former_harvest_consumer_takes_the_same_arguments(cli):
    result = _run(cli, "harvest-consumer", "elsewhere")

    assert result.exit_code == 2
    assert "'elsewhere' is not one of 'gather', 'fetch'" in result.output


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.parametrize("args", [["ogpcatalog", "--lang", "en", "search", "init"],
                                  ["ogpcatalog-search", "--lang", "en", "init"]])
def test_search_init_runs_under_both_names(cli, args):
    result = cli.invoke(ckan, args)

    assert result.exit_code == 0, result.output
    assert "Search index ready." in result.output


@pytest.mark.ckan_config("ckan.plugins",
                         "ogpcatalog scheming_datasets scheming_groups scheming_organizations")
@pytest.mark.usefixtures("with_plugins")
def test_search_init_refuses_when_the_portal_searches_with_solr(cli):
    result = cli.invoke(ogpcatalog, ["search", "init"])

    assert result.exit_code != 0
    assert "not on PostgreSQL" in result.output
