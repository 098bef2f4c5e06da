"""Auth functions of the OCDS validation of procurement resources (issue 7); each has its action's name."""
from __future__ import annotations

__all__: list[str] = []
