"""`ckan ogpcatalog ...`: the extension's commands for portal admins."""
from __future__ import annotations

import click

__all__ = ["ogpcatalog"]

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.language.cli_help import N_, TranslatedGroup
from ckanext.ogpcatalog.language.context import cli_language_option
from ckanext.ogpcatalog.commitments.cli import commitments as commitments_commands
from ckanext.ogpcatalog.demo import loader as demo_loader
from ckanext.ogpcatalog.metrics.cli import metrics as metrics_commands
from ckanext.ogpcatalog.ocds.cli import ocds as ocds_commands


@click.group(cls=TranslatedGroup, short_help=N_("ckanext-ogpcatalog commands"),
             help=N_("Commands of the ckanext-ogpcatalog extension."))
@cli_language_option
def ogpcatalog():
    pass


ogpcatalog.add_command(commitments_commands)
ogpcatalog.add_command(metrics_commands)
ogpcatalog.add_command(ocds_commands)


@ogpcatalog.group(short_help=N_("Demo content of a national portal"),
                  help=N_("Demo content: institutions, themes and datasets of a national portal."))
def demo():
    pass


@demo.command("load", help=N_(
    "Create the demo content that is missing.\n\nObjects are matched by name and existing "
    "ones are kept as they are, so running the command again is fast, creates no duplicates "
    "and never overwrites changes."))
def demo_load():
    try:
        objects = demo_loader.read_content()
        with click.progressbar(
            length=len(objects), label=tk._("Loading demo content"), item_show_func=lambda n: n
        ) as bar:
            counts = demo_loader.load_demo(
                demo_loader.site_user_context(),
                objects,
                progress=lambda obj, _outcome: bar.update(1, obj.name),
            )
    except demo_loader.DemoContentError as error:
        tk.error_shout(error)
        raise click.Abort()
    kinds = {"organizations": tk._("institutions"), "groups": tk._("groups"),
             "datasets": tk._("datasets")}
    for kind, count in counts.items():
        click.echo(tk._("{kind}: {created} created, {kept} kept").format(
            kind=kinds.get(kind, kind), created=count["created"], kept=count["kept"]))


@ogpcatalog.command("harvest-consumer", help=N_(
    "Run a harvest queue consumer that keeps waiting on an idle queue.\n\nThe same consumer "
    "as `ckan harvester gather-consumer` / `fetch-consumer`, whose Redis connection would "
    "otherwise time out after 5 idle seconds (redis-py 8)."))
@click.argument("queue", type=click.Choice(["gather", "fetch"]))
def harvest_consumer(queue: str):
    from ckanext.ogpcatalog.upstream.harvest_queue import run_consumer
    run_consumer(queue)


@ogpcatalog.command("solr-fields", help=N_(
    "Declare the schema fields that hold several values in the Solr core (solr_url).\n\n"
    "Needed once per Solr core, and again after a schema adds such a field; safe to re-run. "
    "Nothing to do on the PostgreSQL search backend (the ogpcatalog_search plugin)."))
def solr_fields():
    from ckan.plugins import plugin_loaded

    from ckanext.ogpcatalog.search.index_fields import multivalued_index_fields
    from ckanext.ogpcatalog.search.solr_admin import SolrSchemaError, ensure_fields

    solr_url = tk.config.get("solr_url")
    if plugin_loaded("ogpcatalog_search") or not solr_url:
        click.echo(tk._("Search runs on PostgreSQL (ogpcatalog_search), not Solr: nothing to do."))
        return
    user, password = tk.config.get("solr_user"), tk.config.get("solr_password")
    names = multivalued_index_fields()
    try:
        result = ensure_fields(solr_url, names, auth=(user, password) if user else None)
    except SolrSchemaError as error:
        tk.error_shout(error)
        raise click.Abort()
    click.echo(tk._("Solr fields: {added} added, {replaced} made multi-valued, {kept} already "
                    "declared").format(added=len(result["added"]), replaced=len(result["replaced"]),
                                       kept=len(result["kept"])))
