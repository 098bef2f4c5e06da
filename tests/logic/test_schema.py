"""Every action of the extension validates its parameters with a schema of logic/schema.py,
after its access check."""
from __future__ import annotations

import inspect

import pytest

from ckanext.ogpcatalog.logic import action, schema


def _own_actions() -> list[str]:
    return [name for name in action.__all__ if name.startswith("ogpcatalog_")]


def test_every_own_action_has_a_schema():
    assert _own_actions()
    missing = [name for name in _own_actions() if not callable(getattr(schema, f"{name}_schema",
                                                                       None))]
    assert missing == []


def test_every_own_action_validates_with_its_schema_after_the_access_check():
    wrong = []
    for name in _own_actions():
        source = inspect.getsource(inspect.unwrap(getattr(action, name)))
        access = source.find(f'tk.check_access("{name}"')
        validation = source.find(f"schema.{name}_schema()")
        if access < 0 or validation < access:
            wrong.append(name)
    assert wrong == []


@pytest.mark.usefixtures("with_plugins")
def test_every_schema_builds_with_the_registered_validators():
    for name in _own_actions():
        built = getattr(schema, f"{name}_schema")()
        assert isinstance(built, dict) and built, name
