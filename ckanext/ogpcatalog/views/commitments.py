"""Pages of the OGP commitments import/export (issue 7)."""
from __future__ import annotations

__all__: list[str] = []
