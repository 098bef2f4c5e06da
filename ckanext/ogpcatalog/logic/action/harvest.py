"""Actions of the harvest sources: dry run and checks (issue 5)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict

__all__: list[str] = ["ogpcatalog_harvest_source_dry_run"]


def _source(id_or_name: str):
    from ckanext.harvest.model import HarvestSource

    source = HarvestSource.get(id_or_name)
    if source is None:
        package = model.Package.get(id_or_name)
        if package is not None and package.type == "harvest":
            source = HarvestSource.get(package.id)
    if source is None or not source.active:
        raise tk.ObjectNotFound(tk._("Harvest source not found"))
    return source


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
    id_or_name = tk.get_or_bust(data_dict, "id")
    source = _source(id_or_name)
    from ckanext.ogpcatalog.dcat.harvester import HARVESTER_NAME, OgpCatalogHarvester

    if source.type != HARVESTER_NAME:
        raise tk.ValidationError({"id": [tk._(
            "A dry run is only available for sources of type {type}.").format(
                type=HARVESTER_NAME)]})
    try:
        plan = OgpCatalogHarvester().plan(source, source.config)
    finally:
        model.Session.rollback()  # a dry run writes nothing, whatever happened
    result = plan.summary()
    result["counts"] = {key: len(result[key])
                        for key in ("create", "update", "unchanged", "skip", "delete")}
    result["source"] = {"id": source.id, "url": source.url}
    return result


def _check_harvest_source_url(data_dict: DataDict) -> None:
    """Refuse the URL of a new or updated `ogpcatalog_dcat` source the fetcher would refuse."""
    from ckanext.ogpcatalog.dcat.fetch import FetchError, check_url
    from ckanext.ogpcatalog.dcat.harvester import HARVESTER_NAME

    if data_dict.get("type") != "harvest" or data_dict.get("source_type") != HARVESTER_NAME:
        return
    url = data_dict.get("url")
    if not isinstance(url, str) or not url.strip():
        return  # ckanext-harvest's own validators report the missing URL
    try:
        check_url(url, resolve_required=False)
    except FetchError as error:
        raise tk.ValidationError({"url": [str(error)]})


# Registered by the `ogpcatalog_harvester` plugin (IActions), not by the main plugin:
# ckanext-harvest's source create/update go through package_create/package_update.
@tk.chained_action
def harvest_package_create(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    _check_harvest_source_url(data_dict)
    return next_action(context, data_dict)


@tk.chained_action
def harvest_package_update(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    _check_harvest_source_url(data_dict)
    return next_action(context, data_dict)
