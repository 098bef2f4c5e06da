"""The dashboard's tables as downloads: every row of a table, encoded as CSV, JSON or XLSX.

A table is a list of :class:`~.tables.Column` (a key into each row and a header already
translated into the request's language) and a list of rows (dicts), built by tables.py.
:data:`TABLES` fetches every row of each exported table through the metrics actions (in pages
of :data:`EXPORT_PAGE`, at most :data:`EXPORT_MAX_ROWS`), with a ``call`` that the view gives
(the action run as the visitor, its refusals as error pages); the view parses the request.
The encoding (:func:`encode`, :func:`to_csv`, :func:`to_json`, :func:`to_xlsx`) is pure.

Spreadsheet formula injection: a text cell that a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a
leading ``'`` in CSV and XLSX, so it stays text. Numbers stay numbers (a negative number
is written as a number, not neutralised). JSON is data for programs, not for spreadsheets:
its values are written as they are.
"""
from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import math
from typing import Any, Callable, Iterable, Mapping, Sequence

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.metrics import tables
from ckanext.ogpcatalog.metrics.tables import Call, Column

FORMATS = ("csv", "json", "xlsx")
MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# Excel's limit on a sheet title; the characters it refuses in one.
_SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = set('[]:*?/\\')


Row = Mapping[str, Any]


def neutralise(value: Any) -> Any:
    """A cell value safe for a spreadsheet: text that could run as a formula gets a leading
    ``'``; numbers, booleans, dates and empty cells are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def plain(value: Any) -> Any:
    """A cell's value as a scalar: lists joined with ``; ``, dicts as compact JSON, Decimal
    as int or float, NaN and infinities as empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (int, float, str, datetime.date)):
        return value
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(plain(v)) for v in value if v is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _text(value: Any) -> str:
    """A scalar as CSV text: ISO dates, ``true``/``false``, empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _cells(columns: Sequence[Column], rows: Iterable[Row]) -> Iterable[list[Any]]:
    for row in rows:
        yield [neutralise(plain(row.get(column.key))) for column in columns]


def to_csv(columns: Sequence[Column], rows: Iterable[Row]) -> bytes:
    """UTF-8 CSV with a byte order mark (so Excel reads the accents), a header line of the
    columns' headers, CRLF line ends."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(column.header) for column in columns])
    for cells in _cells(columns, rows):
        writer.writerow([_text(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.date):  # datetimes too: ISO, as in CSV
        return _text(value)
    if isinstance(value, decimal.Decimal):
        return plain(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def to_json(columns: Sequence[Column], rows: Iterable[Row],
            meta: Mapping[str, Any] | None = None) -> bytes:
    """``{"table", "filters", ..., "columns": [{"key", "header"}], "rows": [{key: value}]}``
    with only the columns' keys in each row, values as they are (NaN as null)."""
    document: dict[str, Any] = dict(meta or {})
    document["columns"] = [{"key": c.key, "header": c.header} for c in columns]
    document["rows"] = [{c.key: _finite(row.get(c.key)) for c in columns} for row in rows]
    return json.dumps(document, ensure_ascii=False, indent=1, default=_json_default,
                      allow_nan=False).encode("utf-8")


def sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in _SHEET_TITLE_FORBIDDEN else ch for ch in title).strip("'")
    return (cleaned or "Sheet")[:_SHEET_TITLE_MAX]


def to_xlsx(columns: Sequence[Column], rows: Iterable[Row], title: str = "Sheet") -> bytes:
    """One sheet: bold header row, frozen; numbers as numbers, dates as dates, text as
    text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = sheet_title(title)
    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=neutralise(column.header))
        cell.font = bold
    for row_number, cells in enumerate(_cells(columns, rows), start=2):
        for index, value in enumerate(cells, start=1):
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # XML cannot hold them
            cell = sheet.cell(row=row_number, column=index, value=value)
            if isinstance(value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever the text
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = max([len(column.header)] + [len(_text(sheet.cell(row=r, column=index).value))
                                             for r in range(2, min(sheet.max_row, 200) + 1)])
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(60, width + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def encode(fmt: str, columns: Sequence[Column], rows: Sequence[Row], *, title: str = "Sheet",
           meta: Mapping[str, Any] | None = None) -> bytes:
    """The table in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "csv":
        return to_csv(columns, rows)
    if fmt == "json":
        return to_json(columns, rows, meta)
    if fmt == "xlsx":
        return to_xlsx(columns, rows, title)
    raise ValueError(f"unknown export format: {fmt!r}")


def filename(table: str, fmt: str, today: datetime.date | None = None) -> str:
    """``publishers-<table>-<YYYY-MM-DD>.<fmt>`` (ASCII, safe in Content-Disposition)."""
    day = (today or datetime.date.today()).isoformat()
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in table)
    return f"publishers-{safe}-{day}.{fmt}"


# --- every row of a table ---------------------------------------------------------------------

EXPORT_PAGE = 1000
EXPORT_MAX_ROWS = 100_000

Table = tuple[list[Column], list[dict[str, Any]]]


def all_results(call: Call, action: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of a paged list action (in pages of EXPORT_PAGE, at most EXPORT_MAX_ROWS)."""
    return [row for answer in _pages(call, action, data) for row in answer.get("results") or []]


def _pages(call: Call, action: str, data: dict[str, Any],
           rows: str = "results") -> Iterable[dict[str, Any]]:
    """The answers of a paged action (its page of rows under ``rows``), page after page,
    until a page is empty or the ``count`` rows are read."""
    offset = 0
    while offset < EXPORT_MAX_ROWS:
        answer = call(action, {**data, "limit": EXPORT_PAGE, "offset": offset})
        yield answer
        page = answer.get(rows) or []
        offset += len(page)
        if not page or offset >= int(answer.get("count") or 0):
            break


def summary_table(call: Call, filters: dict[str, Any]) -> Table:
    summary = call("ogpcatalog_metrics_summary_show", filters)
    return ([Column("indicator", tk._("Indicator")), Column("value", tk._("Value"))],
            tables.summary_rows(summary))


def institutions_table(call: Call, filters: dict[str, Any]) -> Table:
    rows = all_results(call, "ogpcatalog_institution_metrics_list", {**filters, "sort": "rank asc"})
    return tables.institution_columns(), [tables.institution_row(r) for r in rows]


def coverage_table(call: Call, filters: dict[str, Any], by: str) -> Table:
    columns: list[Column] = []
    rows: list[dict[str, Any]] = []
    for matrix in _pages(call, "ogpcatalog_coverage_matrix_show", {**filters, "by": by}, rows="rows"):
        columns, page = tables.matrix_table(matrix)
        rows.extend(page)
    return columns, rows


def overdue_table(call: Call, filters: dict[str, Any]) -> Table:
    rows = all_results(call, "ogpcatalog_overdue_dataset_list", filters)
    return tables.overdue_columns(), [tables.overdue_row(r) for r in rows]


def quality_table(call: Call, filters: dict[str, Any], rating: str | None = None) -> Table:
    data = {**filters, "rating": rating} if rating else dict(filters)
    rows = all_results(call, "ogpcatalog_dataset_quality_list", data)
    return tables.quality_columns(), [tables.quality_row(r) for r in rows]


def compliance_table(call: Call, filters: dict[str, Any]) -> Table:
    rows = all_results(call, "ogpcatalog_compliance_list", filters)
    return tables.compliance_columns(), [tables.compliance_row(r) for r in rows]


def timeseries_table(call: Call, institution: str | None, indicators: Sequence[str] = (),
                     filters: dict[str, list[str]] | None = None) -> Table:
    """The chosen indicators over time, or the dashboard's (of the portal or the institution),
    with the dashboard's filters."""
    filtered = any(key != "institution" for key in (filters or {}))
    chosen = list(indicators) or list(
        tables.TIMESERIES_INSTITUTION if institution and not filtered else tables.TIMESERIES_PORTAL)
    return tables.timeseries_table(call, chosen, institution, filters)


def obligations_table(call: Call, institution: str) -> Table:
    shown = call("ogpcatalog_institution_metrics_show", {"id": institution})
    return tables.obligation_columns(), [tables.obligation_row(r) for r in shown.get("obligations") or []]


# table -> its title (the XLSX sheet's name), in the request's language
TITLES: dict[str, Callable[[], str]] = {
    "summary": lambda: tk._("Summary"),
    "institutions": lambda: tk._("Institutions"),
    "coverage": lambda: tk._("Coverage"),
    "overdue": lambda: tk._("Overdue datasets"),
    "quality": lambda: tk._("Quality"),
    "compliance": lambda: tk._("Compliance ranking"),
    "timeseries": lambda: tk._("Over time"),
    "obligations": lambda: tk._("Obligations"),
}
