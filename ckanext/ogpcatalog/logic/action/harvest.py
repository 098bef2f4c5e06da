"""Actions of the harvest sources (issue 5): the dry run. The work is in
:mod:`ckanext.ogpcatalog.dcat.dry_run`; the check of a source's URL on create/update is in the
chained ``package_create``/``package_update`` of core.py
(:func:`ckanext.ogpcatalog.dcat.harvester.check_source_url`)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.ogpcatalog.dcat.dry_run import dry_run, find_source
from ckanext.ogpcatalog.dcat.harvester import HARVESTER_NAME
from ckanext.ogpcatalog.logic import schema

__all__: list[str] = ["ogpcatalog_harvest_source_dry_run"]


def ogpcatalog_harvest_source_dry_run(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """What harvesting a source now would create, update, leave unchanged, skip and delete,
    with the reasons; nothing is written.

    :param id: the id or name of a harvest source of type ``ogpcatalog_dcat``
    :type id: string
    :returns: ``create``, ``update``, ``unchanged``, ``skip`` (with ``reason``) and ``delete``
        lists, ``errors`` (what the job report would say), ``counts``, ``complete`` (all pages
        read) and ``fatal`` (the harvest would stop without changes)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_harvest_source_dry_run", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_harvest_source_dry_run_schema(), context)
    source = find_source(data["id"])
    if source is None:
        raise tk.ObjectNotFound(tk._("Harvest source not found"))
    if source.type != HARVESTER_NAME:
        raise tk.ValidationError({"id": [tk._(
            "A dry run is only available for sources of type {type}.").format(
                type=HARVESTER_NAME)]})
    return dry_run(source)
