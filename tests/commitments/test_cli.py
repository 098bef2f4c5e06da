"""`ckan ogpcatalog commitments import|export`."""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.cli.cli import ckan

from tests.commitments.conftest import SHEET

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _commitments() -> int:
    return model.Session.query(model.Package).filter_by(type="commitment").count()


def test_cli_dry_run_then_import_then_export(cli, portal, tmp_path):
    dry = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "import", str(SHEET), "--dry-run",
                            "--owner-org", "mintel"])
    assert dry.exit_code == 0, dry.output
    assert "8 created, 0 updated, 0 unchanged, 4 errors" in dry.output
    assert "Specificity: Unknown value: Altísima" in dry.output
    assert _commitments() == 0

    real = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "import", str(SHEET), "--owner-org", "mintel"])
    assert real.exit_code == 0, real.output
    assert "Action plan created: ecuador-2022-2024" in real.output
    assert _commitments() == 8

    out = tmp_path / "export.csv"
    exported = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "export", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    again = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "import", str(out)])
    assert "0 created, 0 updated, 8 unchanged, 0 errors" in again.output

    as_json = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "export", "--format", "json",
                                "--action-plan", "costa-rica-2023-2027"])
    assert '"Commitment Unique Identifier": "CR0101"' in as_json.output


def test_cli_reports_missing_columns_and_aborts(cli, portal, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("numero;compromiso\n1;Baches\n", encoding="utf-8")
    result = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "import", str(bad)])
    assert result.exit_code != 0
    assert "Commitment Unique Identifier" in result.output


TRACKERS = SHEET.parent / "trackers"


def test_cli_reads_a_nested_tracker_file_through_the_map_its_columns_designate(cli, portal):
    result = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "import",
                               str(TRACKERS / "mexico_aga_plan.json"), "--dry-run",
                               "--owner-org", "mintel"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output
    assert _commitments() == 0


def test_cli_names_a_column_map(cli, portal):
    result = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "import",
                               str(TRACKERS / "us_nap5_commitments.json"), "--dry-run",
                               "--column-map", "us-nap5", "--owner-org", "mintel"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_cli_refuses_an_unknown_column_map(cli, portal):
    result = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "import",
                               str(TRACKERS / "us_nap5_commitments.json"),
                               "--column-map", "atlantis"])
    assert result.exit_code != 0
    assert "Unknown column map: atlantis" in result.output


def test_sync_action_plans_gives_older_commitments_their_plan_in_groups(cli, portal):
    import ckan.tests.helpers as helpers
    from ckan.lib.search import rebuild

    real = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "import", str(SHEET),
                             "--owner-org", "mintel"])
    assert real.exit_code == 0, real.output
    # As saved before the portal kept the membership: no action-plan member rows.
    plan_rows = (model.Session.query(model.Member)
                 .join(model.Group, model.Group.id == model.Member.group_id)
                 .filter(model.Group.type == "action-plan", model.Member.table_name == "package"))
    for row in plan_rows:
        model.Session.delete(row)
    model.Session.commit()
    for (package_id,) in model.Session.query(model.Package.id).filter_by(type="commitment"):
        rebuild(package_id)
    name = model.Session.query(model.Package.name).filter_by(type="commitment").first()[0]
    assert helpers.call_action("package_show", id=name)["groups"] == []

    result = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "sync-action-plans"])

    assert result.exit_code == 0, result.output
    assert "8 of 8 commitments changed" in result.output
    shown = helpers.call_action("package_show", id=name)
    plan = shown["action_plan"]
    assert [group["name"] for group in shown["groups"]] == [plan]
    found = helpers.call_action("package_search", fq=f"groups:{plan}", rows=100)
    assert name in [dataset["name"] for dataset in found["results"]]
    again = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "commitments", "sync-action-plans"])
    assert "0 of 8 commitments changed" in again.output
