"""`ckan ogpcatalog harvest ...`: the harvest queue consumers of the portal."""
from __future__ import annotations

import click

from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.language.cli_help import TranslatedGroup
from ckanext.ogpcatalog.upstream.harvest_queue import run_consumer

__all__ = ["harvest", "harvest_consumer"]


@click.group(cls=TranslatedGroup, short_help=N_("Harvesting: the queue consumers"),
             help=N_("Harvesting: the gather and fetch queue consumers."))
def harvest():
    pass


@harvest.command("consumer", help=N_(
    "Run a harvest queue consumer that keeps waiting on an idle queue.\n\nThe same consumer "
    "as `ckan harvester gather-consumer` / `fetch-consumer`, whose Redis connection would "
    "otherwise time out after 5 idle seconds (redis-py 8)."))
@click.argument("queue", type=click.Choice(["gather", "fetch"]))
def harvest_consumer(queue: str):
    run_consumer(queue)
