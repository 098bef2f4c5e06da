"""`ckan ogpcatalog metrics ...`: snapshots, backfill, obligations, link check, dataset facts;
`scheduler`, the former name of `ckan ogpcatalog schedule --job snapshot`."""
from __future__ import annotations

from pathlib import Path

import click

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.language.cli_help import TranslatedGroup


def _context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


def _fail(error: Exception) -> None:
    if isinstance(error, tk.ValidationError):
        for field, messages in error.error_dict.items():
            tk.error_shout(f"{field}: {'; '.join(map(str, messages))}")
    else:
        tk.error_shout(error)
    raise click.Abort()


@click.group(cls=TranslatedGroup,
             short_help=N_("Publisher metrics: snapshots, history, obligations, link check"),
             help=N_("Publisher metrics: snapshots, history, obligations and the link check."))
def metrics():
    pass


@metrics.command("snapshot", help=N_(
    "Measure every indicator and store it as the day's snapshot (replaces that day)."))
@click.option("--date", "day", default=None, help=N_("Day to store (YYYY-MM-DD), default today"))
def snapshot(day: str | None):
    try:
        result = tk.get_action("ogpcatalog_metrics_snapshot_create")(
            _context(), {"date": day} if day else {})
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        _fail(error)
    click.echo(tk._("Snapshot of {date}: {rows} values stored").format(**result))


@metrics.command("backfill", help=N_(
    "Rebuild past monthly points from the datasets' creation dates.\n\nOne transaction per "
    "month: interrupting keeps whole months only; running it again rewrites the same points; "
    "days that have a real snapshot are kept."))
def backfill():
    from ckanext.ogpcatalog.metrics import snapshots

    days = snapshots.month_ends()
    if not days:
        click.echo(tk._("No datasets: nothing to backfill."))
        return
    counts = {"months": 0, "skipped": 0, "rows": 0}
    try:
        with click.progressbar(length=len(days), label=tk._("Rebuilding monthly points"),
                               item_show_func=lambda d: d.isoformat() if d else "") as bar:
            counts = snapshots.backfill(days, progress=lambda day, _rows: bar.update(1, day))
    except KeyboardInterrupt:
        tk.error_shout(tk._("Interrupted: the months before the interruption are stored, "
                            "run the command again to finish."))
        raise click.Abort()
    click.echo(tk._("{months} months rebuilt ({rows} values), {skipped} kept (they have a "
                    "snapshot)").format(**counts))


@metrics.command("facts-rebuild", help=N_(
    "Recompute the dataset facts the indicators aggregate, for every dataset.\n\nThe "
    "indicators keep them up to date by themselves (changed datasets only); run this after a "
    "bulk load that bypassed CKAN or to check the table. One transaction per batch: "
    "interrupting keeps whole batches, and the next read or run completes the rest."))
@click.option("--batch-size", default=2000, show_default=True, type=click.IntRange(1),
              help=N_("Datasets per transaction"))
def facts_rebuild(batch_size: int):
    from ckanext.ogpcatalog.metrics import facts

    ids = facts.active_dataset_ids()
    counts = {"updated": 0, "removed": 0}
    try:
        with click.progressbar(length=len(ids), label=tk._("Rebuilding dataset facts")) as bar:
            counts = facts.rebuild(batch_size, progress=bar.update, ids=ids)
    except KeyboardInterrupt:
        tk.error_shout(tk._("Interrupted: the batches before the interruption are stored, "
                            "run the command again to finish."))
        raise click.Abort()
    click.echo(tk._("Dataset facts: {updated} datasets computed, {removed} rows of deleted "
                    "datasets removed").format(**counts))


@metrics.command("shacl-check", help=N_(
    "Validate the datasets' RDF against the DCAT-AP SHACL shapes (the quality score's 30 "
    "DCAT-AP compliance points).\n\nChecks the datasets changed since their last check, "
    "newest first; the shapes file is ckanext.ogpcatalog.quality.shacl_shapes."))
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1),
              help=N_("Most datasets to check in this run"))
@click.option("--dataset", "datasets", multiple=True,
              help=N_("Check only this dataset (name or id; repeatable)"))
@click.option("--force", is_flag=True, help=N_("Check again datasets already checked"))
def shacl_check(limit: int, datasets: tuple[str, ...], force: bool):
    from ckanext.ogpcatalog.metrics import quality

    try:
        counts = quality.check(list(datasets) or None, limit=limit, force=force)
    except quality.ShapesUnavailable as error:
        _fail(error)
        return
    click.echo(tk._("SHACL check: {checked} datasets checked, {conforming} conform, "
                    "{failed} could not be written").format(**counts))


@metrics.group("obligations", help=N_("The obligations registry."))
def obligations_group():
    pass


@obligations_group.command("load", help=N_(
    "Create or update the obligations of a YAML or CSV FILE (all or nothing)."))
@click.argument("path", metavar="FILE",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help=N_("Also delete the obligations the file omits"))
def obligations_load(path: Path, replace: bool):
    fmt = "csv" if path.suffix.lower() == ".csv" else "yaml"
    try:
        result = tk.get_action("ogpcatalog_obligations_import")(
            _context(), {"data": path.read_text(encoding="utf-8"), "format": fmt,
                         "replace": replace})
    except (tk.ValidationError, UnicodeDecodeError) as error:
        _fail(error)
    click.echo(tk._("Obligations: {created} created, {updated} updated, {deleted} deleted")
               .format(**result))


@metrics.command("link-check", help=N_(
    "Check that resource URLs are reachable (a background job unless --sync)."))
@click.option("--institution", default=None, help=N_("Only this institution (name or id)"))
@click.option("--sync", is_flag=True, help=N_("Check here, with a progress bar, not in a worker"))
def link_check(institution: str | None, sync: bool):
    if not sync:
        try:
            result = tk.get_action("ogpcatalog_link_check_start")(
                _context(), {"institution": institution} if institution else {})
        except (tk.ValidationError, tk.ObjectNotFound) as error:
            _fail(error)
        click.echo(tk._("Link check queued (job {job_id}): {resources} URLs").format(**result))
        return
    from ckanext.ogpcatalog.metrics import linkcheck
    from ckanext.ogpcatalog.metrics.filters import get_institution

    try:
        institution_id = get_institution(institution)["id"] if institution else None
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        _fail(error)
    total = len(linkcheck.targets(institution_id))
    with click.progressbar(length=total, label=tk._("Checking links")) as bar:
        counts = linkcheck.run_link_check(institution_id, progress=bar.update)
    click.echo(tk._("{checked} URLs checked: {ok} reachable, {failed} not").format(**counts))


@metrics.command("scheduler", hidden=True, help=N_(
    "Take the day's snapshot when the day has none; check again every "
    "ckanext.ogpcatalog.metrics.snapshot_check_interval seconds. Stops on SIGTERM / Ctrl-C."))
@click.option("--once", is_flag=True, help=N_("Check once and exit"))
@click.pass_context
def scheduler(ctx: click.Context, once: bool):
    """Former name of `ckan ogpcatalog schedule --job snapshot` (schedule/cli.py)."""
    from ckanext.ogpcatalog.schedule.cli import schedule

    ctx.invoke(schedule, once=once, jobs=("snapshot",))
