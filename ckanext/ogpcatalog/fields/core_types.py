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
    for name, value in data_dict.items():
        if name not in errors and _holds_nul(value):
            errors[name] = [tk._("Must not contain the NUL character")]
    if errors:
        if "tags" in errors:
            # CKAN's ValidationError reads tag errors as [{"name": [messages]}].
            errors["tags"] = [{"name": errors["tags"]}]
        raise tk.ValidationError(errors)


def _holds_nul(value: Any) -> bool:
    """PostgreSQL refuses NUL in text: a reference field looked up with one (``buyer``,
    ``action_plan``) ended in a 500 (found by the thorough fuzzing profile)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False
