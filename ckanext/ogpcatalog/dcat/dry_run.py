"""The dry run of a harvest source: what harvesting it now would create, update, leave
unchanged, skip and delete, with the reasons; nothing is written (issue 5)."""
from __future__ import annotations

from typing import Any

from ckan import model
from ckanext.harvest.model import HarvestSource

from ckanext.ogpcatalog.dcat.harvester import OgpCatalogHarvester

PLAN_KEYS = ("create", "update", "unchanged", "skip", "delete")


def find_source(id_or_name: str) -> HarvestSource | None:
    """The active harvest source with this id, or of the harvest dataset with this id or name."""
    source = HarvestSource.get(id_or_name)
    if source is None:
        package = model.Package.get(id_or_name)
        if package is not None and package.type == "harvest":
            source = HarvestSource.get(package.id)
    if source is None or not source.active:
        return None
    return source


def dry_run(source: HarvestSource) -> dict[str, Any]:
    """The plan of a harvest of ``source`` (an ``ogpcatalog_dcat`` one) as the action answers it:
    :meth:`Plan.summary` with ``counts`` and ``source``."""
    try:
        plan = OgpCatalogHarvester().plan(source, source.config)
    finally:
        model.Session.rollback()  # a dry run writes nothing, whatever happened
    result = plan.summary()
    result["counts"] = {key: len(result[key]) for key in PLAN_KEYS}
    result["source"] = {"id": source.id, "url": source.url}
    return result
