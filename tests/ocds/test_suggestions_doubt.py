"""Issue 18: the OCDS suggestions come only from files that follow the schema; a value read
only from a file with errors is shown as doubtful and never offered."""
from __future__ import annotations

from ckanext.ogpcatalog.ocds import model, suggestions


def _row(status, **summary):
    return {"status": status, "summary": {"declared_versions": ["1.1"], **summary}}


def test_values_of_an_invalid_file_are_not_suggested_but_marked():
    summaries = {"bad": _row(model.INVALID, date_end="2151-08-16", methods=["open"]),
                 "good": _row(model.VALID, methods=["direct"])}
    rows = {row["field"]: row for row in suggestions.compare({"period_end": "2024-12-31"}, summaries)}

    assert rows["period_end"]["doubtful"] is True
    assert rows["period_end"]["suggested"] is False
    assert rows["period_end"]["mismatch"] is True  # shown, marked as read from a file with errors
    assert rows["procurement_methods"]["observed"] == ["direct"]  # only the valid file's
    assert rows["procurement_methods"]["suggested"] is True
    assert rows["procurement_methods"]["doubtful"] is False
