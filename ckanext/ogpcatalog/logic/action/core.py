"""Chained core actions: groups and organizations are named in the request's language;
datasets lose the blank items of their repeating fields before validation. (The re-index of a
dataset moved to another institution is a workaround: upstream/owner_org_reindex.py.)"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ogpcatalog.dcat.harvester import check_source_url
from ckanext.ogpcatalog.fields.core_types import check_core_field_types
from ckanext.ogpcatalog.language.display_names import localize_all
from ckanext.ogpcatalog.fields.repeating import drop_blank_items
from ckanext.ogpcatalog.logic.foreign_records import (foreign_uploads_as_links,
                                                      refuse_copied_harvest_source,
                                                      strip_foreign_harvest_attribution)

__all__ = ["organization_show", "organization_list", "group_show", "group_list",
           "package_create", "package_update"]


def _localized(name: str):
    """A chained version of the read action `name` whose groups' ``display_name`` follows
    the request's language (see fields/display_names.py)."""

    def action(next_action: Action, context: Context, data_dict: DataDict) -> Any:
        return localize_all(next_action(context, data_dict))

    action.__name__ = action.__qualname__ = name
    return tk.chained_action(tk.side_effect_free(action))


organization_show = _localized("organization_show")
organization_list = _localized("organization_list")
group_show = _localized("group_show")
group_list = _localized("group_list")


def _checked_dataset_write(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    """``package_create``/``package_update`` after the extension's checks of the input."""
    check_core_field_types(data_dict)
    data_dict = drop_blank_items(data_dict)
    # Another portal's dataset (ckanapi load): its harvest attribution and uploads stay there.
    data_dict = foreign_uploads_as_links(strip_foreign_harvest_attribution(data_dict))
    check_source_url(data_dict)  # a harvest source's URL, as the harvester will fetch it
    return next_action(context, data_dict)


def _checked_dataset_create(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    refuse_copied_harvest_source(data_dict)
    return _checked_dataset_write(next_action, context, data_dict)


package_create = tk.chained_action(_checked_dataset_create)
package_update = tk.chained_action(_checked_dataset_write)

