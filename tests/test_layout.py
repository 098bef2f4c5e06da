"""The package's layout holds: no import cycle, nothing loose at the package root, tests that
mirror the package.

The import graph is read from the sources (``ast``), with the imports made inside functions
counted too: hiding an import in a function is how a cycle is usually kept alive.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "ckanext.ogpcatalog"
ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "ckanext" / "ogpcatalog"
TESTS_DIR = ROOT / "tests"

# The package root holds the plugin's wiring and its public surface, nothing else.
ROOT_MODULES = {"__init__.py", "plugin.py", "cli.py", "helpers.py"}
# Test folders that test the whole portal rather than one package.
CROSS_CUTTING_TEST_DIRS = {"e2e", "security", "data"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE_DIR.rglob("*.py")
            if "migration" not in path.relative_to(PACKAGE_DIR).parts}


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that the module ``name`` imports, anywhere in its body."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        found.update(c for c in candidates if c in known and c != name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = package_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_package_root_holds_only_the_plugin_wiring_and_public_surface():
    loose = {path.name for path in PACKAGE_DIR.glob("*.py")} - ROOT_MODULES
    assert loose == set()


def test_every_test_folder_mirrors_a_package_folder():
    packages = {path.name for path in PACKAGE_DIR.iterdir() if path.is_dir()}
    folders = {path.name for path in TESTS_DIR.iterdir()
               if path.is_dir() and not path.name.startswith((".", "__"))}
    assert folders - packages - CROSS_CUTTING_TEST_DIRS == set()
