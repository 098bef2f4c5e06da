"""Auth functions of the publisher metrics (issue 6); each has its action's name."""
from __future__ import annotations

__all__: list[str] = []
