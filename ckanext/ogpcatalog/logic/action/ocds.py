"""Actions of the OCDS validation of procurement resources (issue 7)."""
from __future__ import annotations

__all__: list[str] = []
