"""Blank items of repeating fields (milestones, contacts, totals...) are dropped before
validation: the form always offers an empty group to fill, and a group left empty is no item,
not an error nor an empty entry stored. Blank values inside the other items are dropped too,
as an emptied input of a plain field is."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.scheming.helpers import scheming_get_dataset_schema

from ckanext.ogpcatalog.fields.blank import is_blank

_FORM_KEY = re.compile(r"^(?P<field>[^-]+)-(?P<index>\d+)-(?P<sub>.+)$")


def drop_blank_items(data_dict: dict[str, Any]) -> dict[str, Any]:
    """Remove the blank items (and blank values of the other items) of the dataset type's
    repeating fields, in both the API shape
    (``milestones: [{...}]``) and the form shape (``milestones-0-description-es``)."""
    schema = scheming_get_dataset_schema(data_dict.get("type") or "dataset")
    if not schema:
        return data_dict
    names = {f["field_name"] for f in schema["dataset_fields"] if "repeating_subfields" in f}
    _check_item_lists(data_dict, names)
    for name in names:
        items = data_dict.get(name)
        if isinstance(items, list):
            data_dict[name] = [
                {k: v for k, v in item.items() if not is_blank(v)} if isinstance(item, dict) else item
                for item in items if not is_blank(item)]
    groups: dict[tuple[str, str], list[str]] = {}
    for key in list(data_dict):
        match = _FORM_KEY.match(key) if isinstance(key, str) else None
        if match and match["field"] in names:
            groups.setdefault((match["field"], match["index"]), []).append(key)
    for keys in groups.values():
        for key in keys:
            if is_blank(data_dict[key]):
                del data_dict[key]
    return data_dict


def _check_item_lists(data_dict: dict[str, Any], names: set[str]) -> None:
    """A repeating field holds a list of items (objects). ``null`` or ``""`` is no item;
    anything else is refused with an error naming the field (CKAN's own validation would
    answer an "Integrity Error" that names none)."""
    errors: dict[str, list[str]] = {}
    for name in names:
        if name not in data_dict:
            continue
        items = data_dict[name]
        if items is None or items == "":
            data_dict[name] = []
        elif not isinstance(items, list) or not all(
                isinstance(item, dict) or is_blank(item) for item in items):
            errors[name] = [tk._("Must be a list of items, each an object with its own fields")]
    if errors:
        raise tk.ValidationError(errors)
