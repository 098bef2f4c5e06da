"""CKAN's own dataset fields get values of the wrong JSON type refused with an error that
names the field. Core validators assume text in several places (``owner_org: false`` reached
the database and answered a 500; a ``name`` list an "Integrity Error"); found by fuzzing
(tests/security/test_fuzz_dataset_actions.py)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

# Core fields that hold one text value (the schemas' bilingual twins are checked by their
# own validators). ``None`` stays allowed: it means "no value", as CKAN reads it.
TEXT_FIELDS = ("id", "name", "title", "notes", "owner_org", "url", "version", "license_id",
               "state", "type", "author", "author_email", "maintainer", "maintainer_email",
               "tag_string")
LIST_FIELDS = ("tags", "resources", "groups", "extras")


def check_core_field_types(data_dict: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name in TEXT_FIELDS:
        value = data_dict.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = [tk._("Must be text")]
    for name in LIST_FIELDS:
        value = data_dict.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            errors[name] = [tk._("Must be a list of items, each an object with its own fields")]
    private = data_dict.get("private")
    if private is not None and not isinstance(private, (bool, str)):
        errors["private"] = [tk._("Must be true or false")]
    if errors:
        raise tk.ValidationError(errors)
