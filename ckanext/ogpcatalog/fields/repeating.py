"""Blank items of repeating fields (milestones, contacts, totals...) are dropped before
validation: the form always offers an empty group to fill, and a group left empty is no item,
not an error nor an empty entry stored. Blank values inside the other items are dropped too,
as an emptied input of a plain field is."""
from __future__ import annotations

import re
from typing import Any

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
