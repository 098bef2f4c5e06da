"""`ckan ogpcatalog search ...`: the commands of the search index (CKAN's own
`ckan search-index ...` works too).

``search`` is the subgroup of the extension's root group (cli.py): ``init`` and ``rebuild`` of
the PostgreSQL backend and ``solr-fields`` of a Solr core. ``search_group`` is the same
``init`` and ``rebuild`` as the top-level group ``ckan ogpcatalog-search``, which the
``ogpcatalog_search`` plugin registers (search/plugin.py): the name they had before the root
group, kept as an alias.
"""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.language.cli_help import TranslatedGroup
from ckanext.ogpcatalog.language.context import cli_language_option

# What the ogpcatalog_search plugin registers (tk.blanket.cli); `search` joins the root group.
__all__ = ["search_group"]


def _postgres_backend_loaded() -> None:
    """Stop with an error when the PostgreSQL backend (ogpcatalog_search) is not the one the
    portal searches with: its index would be built for nothing."""
    from ckan.plugins import plugin_loaded

    if not plugin_loaded("ogpcatalog_search"):
        tk.error_shout(tk._("Search runs on Solr, not on PostgreSQL (the ogpcatalog_search plugin "
                            "is not loaded): use `ckan search-index rebuild`."))
        raise click.Abort()


@click.group(name="ogpcatalog-search", cls=TranslatedGroup,
             short_help=N_("PostgreSQL search index"),
             help=N_("The PostgreSQL search index of ckanext-ogpcatalog."))
@cli_language_option
def search_group():
    pass


@click.group(cls=TranslatedGroup, short_help=N_("Search index: PostgreSQL tables or Solr fields"),
             help=N_("The search index: the PostgreSQL backend's tables (init, rebuild) or the "
                     "fields of a Solr core (solr-fields)."))
def search():
    pass


@search.command("init", help=N_(
    "Create (or upgrade) the search index tables, functions and text configurations."))
@click.option("--rebuild-if-needed", is_flag=True, help=N_(
    "Re-index every dataset if the index is new or outdated while the portal holds datasets."))
@click.pass_context
def init_schema(ctx: click.Context, rebuild_if_needed: bool):
    _postgres_backend_loaded()
    from .connection import ensure_schema, rebuild_required
    created = ensure_schema()
    click.echo(tk._("Created: {}").format(", ".join(created)) if created else tk._("Nothing to create."))
    if rebuild_required():
        if not rebuild_if_needed:
            tk.error_shout(tk._("The search index must be rebuilt: ckan ogpcatalog search rebuild"))
            raise click.Abort()
        ctx.invoke(rebuild)
    click.secho(tk._("Search index ready."), fg="green")


@search.command("rebuild", help=N_(
    "Re-index every dataset in place, in parallel, with a progress bar.\n\nSafe to interrupt "
    "(Ctrl-C): every dataset keeps either its new index row or its previous one, and the "
    "catalogue never appears empty."))
@click.option("--workers", default=2, show_default=True, help=N_("Worker processes."))
@click.option("--batch", default=200, show_default=True, help=N_("Datasets per committed batch."))
def rebuild(workers: int, batch: int):
    _postgres_backend_loaded()
    from .rebuild import rebuild_index

    app = click.get_current_context().meta["flask_app"]
    bar = None
    shown = 0

    def progress(done: int, total: int):
        nonlocal bar, shown
        if bar is None:
            bar = click.progressbar(length=total, label=tk._("Indexing datasets"), show_pos=True)
            bar.__enter__()
        bar.update(done - shown)
        shown = done

    try:
        result = rebuild_index(app, workers=workers, batch=batch, progress=progress)
    except KeyboardInterrupt:
        if bar is not None:
            bar.__exit__(None, None, None)
        tk.error_shout(tk._("Interrupted: datasets not reached keep their previous index rows. "
                            "Run the command again to finish."))
        raise click.Abort()
    if bar is not None:
        bar.__exit__(None, None, None)
    click.echo(tk._("{indexed} of {datasets} datasets indexed in {seconds} s "
                    "({datasets_per_second}/s, {workers} workers); {swept} stale rows removed.")
               .format(**result))
    if result["failed"]:
        tk.error_shout(tk._("{failed} datasets could not be indexed: see the log.").format(**result))
        raise click.Abort()



@search.command("solr-fields", help=N_(
    "Declare the schema fields that hold several values in the Solr core (solr_url).\n\n"
    "Needed once per Solr core, and again after a schema adds such a field; safe to re-run. "
    "Nothing to do on the PostgreSQL search backend (the ogpcatalog_search plugin)."))
def solr_fields():
    from ckan.plugins import plugin_loaded

    from .index_fields import multivalued_index_fields
    from .solr_admin import SolrSchemaError, ensure_fields

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


# `ckan ogpcatalog-search init|rebuild`: the same commands.
search_group.add_command(init_schema)
search_group.add_command(rebuild)
