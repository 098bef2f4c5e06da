"""Encoding of the dashboard's tables as CSV, JSON and XLSX (pure functions, no CKAN).

A table is a list of :class:`Column` (a key into each row and a header already translated
into the request's language) and a list of rows (dicts). The view fetches the rows through
the metrics actions and chooses the headers; this module only encodes.

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
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

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


@dataclass(frozen=True)
class Column:
    key: str
    header: str


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
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
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
