"""OCDS resources of procurement datasets: detection, validation job, summaries (issue 7)."""
