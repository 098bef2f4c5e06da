"""What counts as nothing given, for validators and the form's repeating groups alike."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk


def is_blank(value: Any) -> bool:
    """Nothing given: missing, empty text, or a list/dict (or its JSON) holding only blanks."""
    if value is tk.missing or value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("{", "["):
            try:
                return is_blank(json.loads(text))
            except ValueError:
                return False
        return not text
    if isinstance(value, dict):
        return all(is_blank(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(is_blank(v) for v in value)
    return False
