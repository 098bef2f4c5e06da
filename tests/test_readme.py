"""The documentation is README.md (the front door, short) and docs/ (one page per capability).

Every config key, API action, CLI command and make target the project adds is documented there;
the lists are read from the code, so a new one without its documentation fails here. Also: the
README stays short, every relative link of README.md and docs/ leads to a file that exists, and
docs/configuration.md is what `make docs-config` renders from the config declarations today.
"""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ckanext" / "ogpcatalog"
DOCS = ROOT / "docs"
README_MAX_LINES = 260
# The plugins of setup.py's entry points whose actions and commands the docs must cover.
PLUGINS = ["ogpcatalog", "ogpcatalog_search", "ogpcatalog_harvester"]

# The plugins of test.ini are loaded, so that actions and commands are read as CKAN sees them.
pytestmark = pytest.mark.usefixtures("with_plugins")


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


@pytest.fixture(scope="module")
def documentation() -> str:
    return "\n".join(page.read_text(encoding="utf-8") for page in _pages())


@pytest.fixture(scope="module")
def configuration_page() -> str:
    return (DOCS / "configuration.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------- what the code declares


def _declarations() -> list[Path]:
    return sorted(PACKAGE.rglob("config_declaration.yaml"))


def _declared_keys() -> list[str]:
    keys = []
    for declaration in _declarations():
        for group in yaml.safe_load(declaration.read_text(encoding="utf-8"))["groups"]:
            keys += [option["key"] for option in group.get("options", [])]
    return keys


def _plugin(name: str):
    from ckan.plugins import get_plugin

    plugin = get_plugin(name)
    assert plugin is not None, f"plugin {name} is not loaded (test.ini's ckan.plugins)"
    return plugin


def _actions() -> list[str]:
    """Every action name our plugins register (own actions and chained core actions)."""
    from ckan.plugins import IActions

    names: set[str] = set()
    for name in PLUGINS:
        plugin = _plugin(name)
        if IActions.implemented_by(type(plugin)):
            names |= set(plugin.get_actions())
    return sorted(names)


def _walk(command: click.Command, path: str) -> list[str]:
    """``path`` and every command below it (groups too, hidden aliases included)."""
    found = [path]
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            found += _walk(sub, f"{path} {name}")
    return found


def _commands() -> list[str]:
    """Every command our plugins add to `ckan`, as typed after `ckan` (e.g. `ogpcatalog search
    rebuild`), walked recursively from the groups that IClick returns."""
    from ckan.plugins import IClick

    found: list[str] = []
    for name in PLUGINS:
        plugin = _plugin(name)
        if IClick.implemented_by(type(plugin)):
            for command in plugin.get_commands():
                found += _walk(command, command.name)
    return sorted(set(found))


def _makefiles() -> list[Path]:
    """The Makefile and what it includes (conformance/conformance.mk)."""
    files, queue = [], [ROOT / "Makefile"]
    while queue:
        makefile = queue.pop(0)
        if not makefile.is_file() or makefile in files:
            continue
        files.append(makefile)
        for included in re.findall(r"^-?include\s+(\S+)", makefile.read_text(encoding="utf-8"), re.M):
            queue.append(ROOT / included)
    return files


def _make_targets() -> list[str]:
    targets = set()
    for makefile in _makefiles():
        text = makefile.read_text(encoding="utf-8")
        # `name:` at the start of a line, not a variable (`X := ...`, `X ?= ...`) nor `.PHONY:`.
        targets |= set(re.findall(r"^([a-z0-9][a-z0-9_-]*)\s*:(?!=)", text, re.M))
    return sorted(targets)


# ------------------------------------------------------------------------------ the checks


def test_the_project_declares_config_keys_actions_commands_and_targets():
    # The lists are read from the code: make sure reading them works at all.
    assert len(_declared_keys()) > 10
    assert len([name for name in _actions() if name.startswith("ogpcatalog_")]) > 10
    assert len(_commands()) > 10
    assert {"run", "test", "conformance", "docs-config"} <= set(_make_targets())


def test_every_config_key_is_in_the_configuration_reference(configuration_page):
    missing = [key for key in _declared_keys() if f"#### {key}\n" not in configuration_page]
    assert missing == [], f"config keys missing from docs/configuration.md (make docs-config): {missing}"


def test_the_configuration_reference_is_what_ckan_config_docs_renders(configuration_page):
    """Each declared group, rendered as `ckan config docs -f md` renders it, is in the page
    verbatim: a changed default or description needs `make docs-config`."""
    from ckan.config.declaration import Declaration

    stale = []
    for declaration in _declarations():
        for group in yaml.safe_load(declaration.read_text(encoding="utf-8"))["groups"]:
            rendered = Declaration()
            rendered.load_dict({"version": 1, "groups": [group]})
            if rendered.into_docs("md").strip() not in configuration_page:
                stale.append(group.get("annotation"))
    assert stale == [], f"docs/configuration.md is stale for {stale}: run make docs-config"


def test_every_api_action_is_documented(documentation):
    missing = [name for name in _actions() if f"`{name}`" not in documentation]
    assert missing == [], f"API actions missing from README.md and docs/: {missing}"


def test_every_cli_command_is_documented(documentation):
    # Documented as `ckan <command path> ...` (arguments and options may follow).
    missing = [command for command in _commands() if f"ckan {command}" not in documentation]
    assert missing == [], f"CLI commands missing from README.md and docs/: {missing}"


def test_every_make_target_is_documented(documentation):
    missing = [target for target in _make_targets() if f"make {target}" not in documentation]
    assert missing == [], f"make targets missing from README.md and docs/: {missing}"


def test_the_readme_is_short():
    lines = len((ROOT / "README.md").read_text(encoding="utf-8").splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; the manual goes to docs/"


_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def test_every_relative_link_leads_to_a_file():
    broken = []
    for page in _pages():
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target in _LINK.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # http:, https:, mailto: ... and anchors within the page
            path = target.split("#", 1)[0]
            if not (page.parent / path).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == [], f"links to files that do not exist: {broken}"


def test_no_stale_statements():
    stale = ["no end-to-end tests yet", "120 passed", "search-index rebuild -c"]
    found = [
        f"{path.relative_to(ROOT)}: {text}"
        for path in [*_pages(), ROOT / "Makefile"]
        for text in stale
        if text in path.read_text(encoding="utf-8")
    ]
    assert found == [], f"stale statements: {found}"
