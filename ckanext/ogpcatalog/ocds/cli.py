"""`ckan ogpcatalog ocds ...`: the OCDS validation of procurement resources, for admins."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.language.cli_help import TranslatedGroup
from ckanext.ogpcatalog.ocds import jobs


@click.group(cls=TranslatedGroup, short_help=N_("OCDS validation of procurement resources"),
             help=N_("OCDS validation of the resources of procurement datasets."))
def ocds():
    pass


@ocds.command("retry", help=N_(
    "Queue the due new attempts of remote OCDS files whose server was down (run from cron)."))
@click.option("--limit", default=100, show_default=True, help=N_("At most this many resources."))
def retry(limit: int):
    count = jobs.enqueue_due_retries(limit)
    click.echo(tk._("{count} validations queued").format(count=count))


@ocds.command("validate", help=N_(
    "Queue the validation of every OCDS resource of the given procurement datasets (names or "
    "ids), or of every procurement dataset."))
@click.argument("datasets", nargs=-1)
def validate(datasets: tuple[str, ...]):
    context = {"ignore_auth": True}
    names = list(datasets)
    if not names:
        found = tk.get_action("package_search")(context, {
            "fq": f"dataset_type:{jobs.DATASET_TYPE}", "rows": 1000, "include_private": True})
        names = [item["id"] for item in found["results"]]
    queued = 0
    with click.progressbar(names, label=tk._("Queueing OCDS validations")) as bar:
        for name in bar:
            try:
                package = tk.get_action("package_show")(context, {"id": name})
            except tk.ObjectNotFound:
                tk.error_shout(tk._("Dataset not found: {name}").format(name=name))
                continue
            for resource in package.get("resources", []):
                if package.get("type") == jobs.DATASET_TYPE and jobs.candidate(resource):
                    jobs.enqueue(resource["id"], package["id"], jobs.source_of(resource))
                    queued += 1
    click.echo(tk._("{count} validations queued").format(count=queued))
