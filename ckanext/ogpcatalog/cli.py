"""`ckan ogpcatalog ...`: the extension's commands for portal admins, in one root group.

Subgroups: ``search``, ``metrics``, ``ocds``, ``commitments``, ``demo``, ``harvest``, and the
``schedule`` command. Former names stay as hidden aliases that run the same code:
``ckan ogpcatalog solr-fields`` (now ``search solr-fields``), ``ckan ogpcatalog
harvest-consumer`` (now ``harvest consumer``), ``ckan ogpcatalog metrics scheduler`` (now
``schedule --job snapshot``, metrics/cli.py) and the ``ckan ogpcatalog-search`` group (now
``search``, registered by the ogpcatalog_search plugin: search/cli.py).
"""
from __future__ import annotations

import copy

import click

from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.language.cli_help import TranslatedGroup
from ckanext.ogpcatalog.language.context import cli_language_option
from ckanext.ogpcatalog.commitments.cli import commitments as commitments_commands
from ckanext.ogpcatalog.dcat.cli import harvest as harvest_commands, harvest_consumer
from ckanext.ogpcatalog.demo.cli import demo as demo_commands
from ckanext.ogpcatalog.metrics.cli import metrics as metrics_commands
from ckanext.ogpcatalog.ocds.cli import ocds as ocds_commands
from ckanext.ogpcatalog.schedule.cli import schedule as schedule_command
from ckanext.ogpcatalog.search.cli import search as search_commands, solr_fields

__all__ = ["ogpcatalog"]


def _alias(command: click.Command) -> click.Command:
    """``command`` for its former name: the same callback and options, left out of the list
    of commands."""
    alias = copy.copy(command)
    alias.hidden = True
    return alias


@click.group(cls=TranslatedGroup, short_help=N_("ckanext-ogpcatalog commands"),
             help=N_("Commands of the ckanext-ogpcatalog extension."))
@cli_language_option
def ogpcatalog():
    pass


ogpcatalog.add_command(commitments_commands)
ogpcatalog.add_command(demo_commands)
ogpcatalog.add_command(harvest_commands)
ogpcatalog.add_command(metrics_commands)
ogpcatalog.add_command(ocds_commands)
ogpcatalog.add_command(schedule_command)
ogpcatalog.add_command(search_commands)
ogpcatalog.add_command(_alias(solr_fields), "solr-fields")
ogpcatalog.add_command(_alias(harvest_consumer), "harvest-consumer")
