"""Publisher metrics: SQL indicators, obligations, snapshots (issue 6)."""
