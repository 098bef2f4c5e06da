"""`ckan ogpcatalog commitments import|export`: the commands call the actions."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.language.cli_help import TranslatedGroup
from ckanext.ogpcatalog.commitments import sheet, trackers

PROGRESS = "ogpcatalog_progress"  # logic.action.commitments.PROGRESS
SYNCHRONOUS = "ogpcatalog_synchronous"  # logic.action.commitments.SYNCHRONOUS: never a job


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


@click.group(cls=TranslatedGroup, short_help=N_("Import and export OGP commitments"),
             help=N_("OGP commitments in the shape of OGP's public commitments sheet."))
def commitments():
    pass


@commitments.command("import", help=N_(
    "Create or update commitments from FILE, a CSV with the columns of OGP's sheet.\n\nRows "
    "are matched by their OGP identifier; running it again on the same file changes nothing. "
    "Interrupting it (Ctrl+C) keeps the rows done so far, each one whole."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help=N_("Report what would change; write nothing."))
@click.option("--action-plan", help=N_("File every row into this action plan (its name)."))
@click.option("--owner-org", help=N_("Publishing institution of commitments whose lead "
                                     "institution is not on the portal."))
@click.option("--language", type=click.Choice(["es", "en"]),
              help=N_("Language of the sheet's texts."))
@click.option("--columns", "columns_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=N_("YAML file mapping other header names to the sheet's columns."))
@click.option("--column-map", "column_map",
              help=N_("Another tracker's file: the name of a shipped column map (mexico-aga, "
                      "buenos-aires, us-nap5) or a YAML file of one. By default a file whose "
                      "columns match a shipped map is read through it."))
@click.option("--verbose", "-v", is_flag=True, help=N_("List every row, not only the errors."))
def import_(file: Path, dry_run: bool, action_plan: str | None, owner_org: str | None,
            language: str | None, columns_file: Path | None, column_map: str | None,
            verbose: bool):
    content = file.read_bytes()
    try:
        columns = yaml.safe_load(columns_file.read_text(encoding="utf-8")) if columns_file else None
        if column_map and Path(column_map).is_file():
            column_map = Path(column_map).read_text(encoding="utf-8")
        total = len(trackers.read(content, columns, required=(), column_map=column_map).rows)
    except (sheet.SheetError, trackers.ColumnMapError, yaml.YAMLError, OSError) as error:
        tk.error_shout(error)
        raise click.Abort()
    data = {"csv": sheet.decode(content), "dry_run": dry_run, "action_plan": action_plan,
            "owner_org": owner_org, "language": language, "columns": columns,
            "column_map": column_map}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
    context = _site_context()
    try:
        with click.progressbar(length=total, label=tk._("Importing commitments"),
                               item_show_func=lambda text: text, file=sys.stderr) as bar:
            def progress(report: dict[str, Any]) -> None:
                counts[report["outcome"]] += 1
                bar.update(1, tk._("{created} created, {updated} updated, {unchanged} unchanged, "
                                   "{error} errors").format(**counts))
            context[PROGRESS] = progress
            context[SYNCHRONOUS] = True
            result = tk.get_action("ogpcatalog_commitments_import")(context, data)
    except tk.ValidationError as error:
        for field, messages in error.error_dict.items():
            for message in messages if isinstance(messages, list) else [messages]:
                tk.error_shout(f"{field}: {message}")
        raise click.Abort()
    except KeyboardInterrupt:
        click.echo()
        tk.error_shout(tk._("Interrupted: {created} created, {updated} updated, {unchanged} "
                            "unchanged, {error} errors before the interruption").format(**counts))
        raise click.Abort()
    _print_report(result, verbose)


def _print_report(result: dict[str, Any], verbose: bool) -> None:
    if result["dry_run"]:
        click.echo(tk._("Dry run: nothing was written."))
    if result["columns"]["unknown"]:
        click.echo(tk._("Unknown columns (ignored): {columns}").format(
            columns=", ".join(result["columns"]["unknown"])))
    for name in result["action_plans_created"]:
        click.echo(tk._("Action plan created: {name}").format(name=name))
    outcomes = {"created": tk._("created"), "updated": tk._("updated"),
                "unchanged": tk._("unchanged"), "error": tk._("error")}
    for row in result["rows"]:
        if verbose or row["errors"] or row["warnings"]:
            click.echo(tk._("Row {row} ({ogp_id}): {outcome}").format(
                row=row["row"], ogp_id=row["ogp_id"] or "-", outcome=outcomes[row["outcome"]]))
        for entry in row["errors"] + row["warnings"]:
            click.echo(f"    {entry['field']}: {entry['message']}")
    click.echo(tk._("{created} created, {updated} updated, {unchanged} unchanged, {error} errors")
               .format(**result["counts"]))


@commitments.command("export", help=N_(
    "Export the public commitments in the shape of OGP's sheet (CSV or JSON)."))
@click.option("--format", "export_format", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True, help=N_("Format of the export."))
@click.option("--action-plan", help=N_("Only the commitments of this action plan (its name)."))
@click.option("--language", type=click.Choice(["es", "en"]), help=N_("Language of the texts."))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Write to this file instead of standard output."))
def export(export_format: str, action_plan: str | None, language: str | None, output: Path | None):
    try:
        result = tk.get_action("ogpcatalog_commitments_export")(_site_context(), {
            "format": export_format, "action_plan": action_plan, "language": language})
    except tk.ValidationError as error:
        for field, messages in error.error_dict.items():
            tk.error_shout(f"{field}: {'; '.join(messages)}")
        raise click.Abort()
    content = result["content"]
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=1)
    if output:
        output.write_text(text, encoding="utf-8", newline="")
        click.echo(tk._("{count} commitments written to {path}").format(
            count=result["count"], path=output), err=True)
    else:
        click.echo(text, nl=False)


@commitments.command("sync-action-plans", help=N_(
    "Give every commitment the membership of its action plan's group.\n\nCommitments saved "
    "before the portal kept that membership list no action plan in the API's `groups` until "
    "their next update; this command writes the missing rows and re-indexes the commitments it "
    "changes. Each commitment is committed on its own, so an interruption (Ctrl+C) keeps the "
    "ones done; running it again changes nothing."))
def sync_action_plans():
    from ckan import model
    from ckan.lib.search import rebuild

    from ckanext.ogpcatalog.commitments.plan_membership import (
        commitments_with_plans, sync_action_plan_membership)

    found = commitments_with_plans()
    changed = 0
    try:
        with click.progressbar(found, label=tk._("Commitments"), file=sys.stderr) as bar:
            for package_id, plan in bar:
                if sync_action_plan_membership(package_id, plan):
                    model.Session.commit()
                    rebuild(package_id)
                    changed += 1
                else:
                    model.Session.rollback()
    except KeyboardInterrupt:
        model.Session.rollback()
        click.echo()
        tk.error_shout(tk._("Interrupted: {changed} of {total} commitments changed before the "
                            "interruption").format(changed=changed, total=len(found)))
        raise click.Abort()
    click.echo(tk._("{changed} of {total} commitments changed").format(
        changed=changed, total=len(found)))
