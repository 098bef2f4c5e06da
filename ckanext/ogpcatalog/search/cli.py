"""Commands of the search backend (CKAN's own `ckan search-index ...` works too)."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.language.cli_help import N_, TranslatedGroup
from ckanext.ogpcatalog.language.context import cli_language_option

__all__ = ["search_group"]


@click.group(name="ogpcatalog-search", cls=TranslatedGroup,
             short_help=N_("PostgreSQL search index"),
             help=N_("The PostgreSQL search index of ckanext-ogpcatalog."))
@cli_language_option
def search_group():
    pass


@search_group.command("init", help=N_(
    "Create (or upgrade) the search index tables, functions and text configurations."))
@click.option("--rebuild-if-needed", is_flag=True, help=N_(
    "Re-index every dataset if the index is new or outdated while the portal holds datasets."))
@click.pass_context
def init_schema(ctx: click.Context, rebuild_if_needed: bool):
    from .connection import ensure_schema, rebuild_required
    created = ensure_schema()
    click.echo(tk._("Created: {}").format(", ".join(created)) if created else tk._("Nothing to create."))
    if rebuild_required():
        if not rebuild_if_needed:
            tk.error_shout(tk._("The search index must be rebuilt: ckan ogpcatalog-search rebuild"))
            raise click.Abort()
        ctx.invoke(rebuild)
    click.secho(tk._("Search index ready."), fg="green")


@search_group.command("rebuild", help=N_(
    "Re-index every dataset in place, in parallel, with a progress bar.\n\nSafe to interrupt "
    "(Ctrl-C): every dataset keeps either its new index row or its previous one, and the "
    "catalogue never appears empty."))
@click.option("--workers", default=2, show_default=True, help=N_("Worker processes."))
@click.option("--batch", default=200, show_default=True, help=N_("Datasets per committed batch."))
def rebuild(workers: int, batch: int):
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
