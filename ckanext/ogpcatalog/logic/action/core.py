"""Chained core actions: groups and organizations are named in the request's language;
datasets lose the blank items of their repeating fields before validation; a dataset moved to
another institution is re-indexed."""
from __future__ import annotations

from typing import Any

import ckan.logic as logic
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ogpcatalog.fields.core_types import check_core_field_types
from ckanext.ogpcatalog.language.display_names import localize_all
from ckanext.ogpcatalog.fields.repeating import drop_blank_items

__all__ = ["organization_show", "organization_list", "group_show", "group_list",
           "package_create", "package_update", "package_owner_org_update"]


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


@tk.chained_action
def package_create(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    check_core_field_types(data_dict)
    return next_action(context, drop_blank_items(data_dict))


@tk.chained_action
def package_update(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    check_core_field_types(data_dict)
    return next_action(context, drop_blank_items(data_dict))


@tk.chained_action
def package_owner_org_update(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN 2.12 moves the dataset without re-indexing it, and keeps ``metadata_modified``: the
    search index kept the old institution, and ``package_show`` (which serves the indexed
    dict while the stamps match) answered the old ``owner_org``, so the next
    ``package_patch`` moved the dataset back. Re-indexed here once the move is committed."""
    result = next_action(context, data_dict)
    if not context.get("defer_commit"):
        package = context["model"].Package.get(data_dict.get("id"))
        if package is not None:
            logic.index_update_package({"ignore_auth": True}, package.id, True)
            context["model"].repo.commit()
    return result
