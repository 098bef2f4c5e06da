"""axe-core on the journeys' pages: WCAG 2.1 A and AA rules, no serious or critical violation.

axe-core comes from the npm registry: ``make test-setup`` (scripts/stack.sh, step_axe) installs
the pinned version into ``$STATE_DIR/node``; ``AXE_CORE_JS`` may name another axe.min.js.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def axe_script(state_dir: Path) -> Path:
    path = Path(os.environ.get("AXE_CORE_JS")
                or state_dir / "node" / "node_modules" / "axe-core" / "axe.min.js")
    if not path.exists():
        pytest.fail(f"axe-core is not at {path}: `make test-setup` installs it "
                    f"(npm install --prefix $STATE_DIR/node axe-core@<version>)")
    return path


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) {self.help} at {', '.join(self.targets[:4])}"


def run_axe(page, script: Path, label: str) -> list[Violation]:
    """Every WCAG 2.1 A/AA violation axe finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS)
    return [Violation(label, v["id"], v.get("impact") or "", v.get("help") or "",
                      tuple(" ".join(map(str, n.get("target") or [])) for n in v.get("nodes") or []))
            for v in result.get("violations") or []]
