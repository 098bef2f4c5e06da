"""`ckan ogpcatalog demo ...`: the demo content of a national portal."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.demo import loader as demo_loader
from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.language.cli_help import TranslatedGroup

__all__ = ["demo"]


@click.group(cls=TranslatedGroup, short_help=N_("Demo content of a national portal"),
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
