"""Auth functions of the harvest sources: dry run and checks (issue 5); each has its action's name."""
from __future__ import annotations

__all__: list[str] = []
