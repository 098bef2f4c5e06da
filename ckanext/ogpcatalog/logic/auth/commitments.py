"""Auth functions of the OGP commitments import/export (issue 7); each has its action's name."""
from __future__ import annotations

__all__: list[str] = []
