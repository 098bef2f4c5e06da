"""Pages of the publisher metrics (issue 6)."""
from __future__ import annotations

__all__: list[str] = []
