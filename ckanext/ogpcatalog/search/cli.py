"""Commands of the search backend (CKAN's own `ckan search-index ...` works too)."""
from __future__ import annotations

import click

__all__ = ["search_group"]


@click.group(name="ogpcatalog-search", short_help="PostgreSQL search index")
def search_group():
    """The PostgreSQL search index of ckanext-ogpcatalog."""


@search_group.command("init")
def init_schema():
    """Create the search index tables, functions and text configurations."""
    from .connection import ensure_schema
    ensure_schema()
    click.secho("Search index schema ready.", fg="green")

