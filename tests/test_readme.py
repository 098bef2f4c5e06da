"""The README is the front door: every config key, API action, CLI command and make target the
project adds is documented in it. A new one without its README entry fails here."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ckanext" / "ogpcatalog"


@pytest.fixture(scope="module")
def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _declared_keys() -> list[str]:
    keys = []
    for declaration in sorted(PACKAGE.rglob("config_declaration.yaml")):
        for group in yaml.safe_load(declaration.read_text(encoding="utf-8"))["groups"]:
            keys += [option["key"] for option in group.get("options", [])]
    return keys


def _commands(group: click.Group, prefix: str) -> list[str]:
    """Every leaf command below ``group``, as typed after ``ckan``."""
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found += _commands(command, path) if isinstance(command, click.Group) else [path]
    return found


def _make_targets() -> list[str]:
    """The targets `make help` names: those with a `## ` description or listed in help."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return sorted(set(re.findall(r'@echo "make ([a-z0-9-]+)', text)))


def test_the_project_declares_config_keys_actions_and_commands():
    # The lists below are read from the code: make sure reading them works at all.
    assert len(_declared_keys()) > 10
    assert len(_make_targets()) >= 5


def test_every_config_key_is_documented(readme):
    missing = [key for key in _declared_keys() if f"`{key}`" not in readme]
    assert missing == [], f"config keys missing from README.md: {missing}"


def test_every_api_action_is_documented(readme):
    from ckanext.ogpcatalog.logic import action

    ours = [name for name in action.__all__ if name.startswith("ogpcatalog_")]
    assert ours
    missing = [name for name in ours if f"`{name}`" not in readme]
    assert missing == [], f"API actions missing from README.md: {missing}"


def test_every_cli_command_is_documented(readme):
    from ckanext.ogpcatalog.cli import ogpcatalog
    from ckanext.ogpcatalog.search.cli import search_group

    commands = _commands(ogpcatalog, "ogpcatalog") + _commands(search_group, "ogpcatalog-search")
    assert len(commands) > 10
    # Documented as `ckan <command> ...` (options may follow the command words).
    missing = [command for command in commands if f"ckan {command}" not in readme]
    assert missing == [], f"CLI commands missing from README.md: {missing}"


def test_every_make_target_is_documented(readme):
    missing = [target for target in _make_targets() if f"make {target}" not in readme]
    assert missing == [], f"make targets missing from README.md: {missing}"
