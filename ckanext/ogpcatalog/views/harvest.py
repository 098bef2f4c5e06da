"""Pages of the harvest sources: dry run and checks (issue 5)."""
from __future__ import annotations

__all__: list[str] = []
