"""OGP's public commitments sheet as data: its columns, the variants of their names, reading
a CSV file of it (encoding, delimiter) and turning a row into commitment fields and back.

Nothing here touches the portal: ``importer.py`` and ``exporter.py`` do.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import ckan.plugins.toolkit as tk
import openpyxl

from ckanext.ogpcatalog import codelists

# --- the columns --------------------------------------------------------------------------

# (key, header as OGP writes it), in the sheet's order. Codelist columns follow.
_BASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("ogp_id", "Commitment Unique Identifier"),
    ("country", "Country/Locality"),
    ("plan_number", "Action Plan Number"),
    ("submission_year", "Year Of Submission"),
    ("end_year", "Action Plan End Year"),
    ("start_date", "Start Date"),
    ("end_date", "End Date"),
    ("theme", "Theme"),
    ("title", "Commitment Title"),
    ("short_title", "Short Title"),
    ("full_text", "Full Text"),
    ("lead_institution", "Lead Institution"),
    ("supporting_institutions", "Supporting Institution(s)"),
)
_IRM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("irm_specificity", "Specificity"),
    ("irm_potential_impact", "Potential Impact"),
    ("irm_completion", "Completion"),
    ("irm_did_it_open_government", "Did It Open Government"),
    ("irm_starred", "Starred"),
)
# OGP writes the full name of the fourth value.
_VALUE_HEADERS = {
    "access-to-information": "OGP Value: Access to Information",
    "civic-participation": "OGP Value: Civic Participation",
    "public-accountability": "OGP Value: Public Accountability",
    "technology-innovation": "OGP Value: Technology and Innovation for Transparency and Accountability",
}

# Columns without which no row can be imported (the country is not needed when the
# action plan is given).
REQUIRED = ("ogp_id", "title", "country")

# IRM columns: field -> (codelist, scale of its codes)
IRM_FIELDS: dict[str, tuple[str, str | None]] = {
    "irm_specificity": ("irm-legacy", "specificity"),
    "irm_potential_impact": ("irm-legacy", "potential_impact"),
    "irm_completion": ("irm-legacy", "completion"),
    "irm_did_it_open_government": ("irm-legacy", "did_it_open_government"),
    "irm_starred": ("yes-no", None),
}


def columns() -> list[tuple[str, str]]:
    """Every column of the sheet as (key, header), in the order the export writes them.
    OGP values are keyed ``value:<code>``, policy areas ``area:<code>``."""
    found = list(_BASE_COLUMNS)
    found += [(f"value:{code.code}", _VALUE_HEADERS.get(code.code, f"OGP Value: {code.label['en']}"))
              for code in codelists.get("ogp-value").codes]
    found += [(f"area:{code.code}", f"Policy Area: {code.label['en']}")
              for code in codelists.get("ogp-policy-area").codes]
    found += list(_IRM_COLUMNS)
    return found


def header_of(key: str) -> str:
    """OGP's header of a column (a key that is not one of the sheet's: the key itself)."""
    return dict(columns()).get(key, key)


# --- header names -------------------------------------------------------------------------

def normalise(text: str) -> str:
    """A header or a value reduced for matching: no accents, lower case, ``(s)`` and
    punctuation dropped, ``&`` read as ``and``, spaces collapsed."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = text.lower().replace("(s)", "").replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


# Known variants of each base column's name (normalised), Spanish ones included.
_ALIASES: dict[str, tuple[str, ...]] = {
    "ogp_id": ("commitment unique identifier", "unique identifier", "commitment identifier",
               "commitment id", "ogp id", "ogp identifier", "identifier", "identificador",
               "identificador ogp", "identificador del compromiso", "id del compromiso", "codigo"),
    "country": ("country locality", "country", "locality", "country or locality", "pais",
                "pais localidad", "pais o localidad", "localidad"),
    "plan_number": ("action plan number", "plan number", "nap number",
                    "numero del plan", "numero de plan", "plan de accion numero"),
    "submission_year": ("year of submission", "submission year", "action plan start year",
                        "start year", "ano de presentacion", "ano de inicio del plan"),
    "end_year": ("action plan end year", "end year", "plan end year", "ano de fin del plan",
                 "ano de finalizacion"),
    "start_date": ("start date", "commitment start date", "fecha de inicio", "inicio"),
    "end_date": ("end date", "commitment end date", "fecha de fin", "fecha de termino",
                 "fecha de finalizacion", "fin"),
    "theme": ("theme", "themes", "tema", "temas"),
    "title": ("commitment title", "title", "titulo", "titulo del compromiso", "compromiso",
              "nombre del compromiso"),
    "short_title": ("short title", "titulo corto", "nombre corto"),
    "full_text": ("full text", "commitment text", "description", "descripcion",
                  "texto completo", "commitment description"),
    "lead_institution": ("lead institution", "lead agency", "lead institutions",
                         "institucion responsable", "institucion lider"),
    "supporting_institutions": ("supporting institution", "supporting institutions",
                                "supporting institution s", "other actors involved",
                                "instituciones de apoyo", "institucion de apoyo",
                                "otros actores"),
    "irm_specificity": ("specificity", "irm specificity", "especificidad"),
    "irm_potential_impact": ("potential impact", "irm potential impact", "impacto potencial"),
    "irm_completion": ("completion", "irm completion", "end of term completion",
                       "completion end of term", "nivel de cumplimiento", "cumplimiento"),
    "irm_did_it_open_government": ("did it open government", "did it open government end of term",
                                   "diog", "contribuyo a abrir el gobierno"),
    "irm_starred": ("starred", "starred commitment", "estelar", "compromiso estelar"),
}

_VALUE_PREFIXES = ("ogp value", "ogp values", "value", "valor ogp", "valores ogp", "valor")
_AREA_PREFIXES = ("policy area", "policy areas", "area de politica", "areas de politica", "area")


def _code_names(codelist: str) -> dict[str, str]:
    """Normalised code, English and Spanish label of each code -> the code."""
    names: dict[str, str] = {}
    for code in codelists.get(codelist).codes:
        for name in (code.code, code.label["en"], code.label["es"]):
            names.setdefault(normalise(name), code.code)
    return names


def _strip_prefix(text: str, prefixes: Iterable[str]) -> str | None:
    for prefix in sorted(prefixes, key=len, reverse=True):
        if text.startswith(prefix + " "):
            return text[len(prefix) + 1:]
        if text.endswith(" " + prefix):
            return text[: -len(prefix) - 1]
    return None


def _value_code(name: str) -> str | None:
    found = _code_names("ogp-value").get(name)
    if found:
        return found
    # "Technology and Innovation", "Tech & Innovation for Transparency ...": the fourth value.
    if name.startswith("tech") or name.startswith("tecnologia"):
        return "technology-innovation"
    return None


def key_for_header(header: str, extra_aliases: Mapping[str, str] | None = None) -> str | None:
    """The column key a header names, or None when the header is unknown."""
    name = normalise(header)
    if not name:
        return None
    if extra_aliases:
        for alias, key in extra_aliases.items():
            if normalise(alias) == name:
                return key
    for key, aliases in _ALIASES.items():
        if name in aliases:
            return key
    rest = _strip_prefix(name, _VALUE_PREFIXES)
    if rest is not None and (code := _value_code(rest)):
        return f"value:{code}"
    rest = _strip_prefix(name, _AREA_PREFIXES)
    if rest is not None and (code := _code_names("ogp-policy-area").get(rest)):
        return f"area:{code}"
    # A bare name: an OGP value first (OGP's sheet names the values without a prefix), then
    # a policy area.
    if code := _value_code(name):
        return f"value:{code}"
    if code := _code_names("ogp-policy-area").get(name):
        return f"area:{code}"
    return None


# --- reading a file -----------------------------------------------------------------------

class SheetError(ValueError):
    """The file cannot be read as a commitments sheet (the message is translated)."""


def decode(content: bytes | str) -> str:
    """Text from UTF-8 (with or without BOM), else Latin-1 (Windows-1252)."""
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """``;`` or ``,``: the one that splits the header line into more cells."""
    first = next(iter(text.splitlines()), "")
    counts = {}
    for delimiter in (";", ","):
        try:
            counts[delimiter] = len(next(csv.reader([first], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            counts[delimiter] = 0
    return ";" if counts[";"] > counts[","] else ","


@dataclasses.dataclass
class Sheet:
    headers: list[str]                # as in the file
    keys: dict[int, str]              # column index -> key
    unknown: list[str]                # headers that name no known column
    missing: list[str]                # required keys absent
    rows: list[tuple[int, dict[str, str]]]  # (row number in the file, key -> cell text)
    delimiter: str                    # ",", ";", "json" or "xlsx"
    whole: frozenset[str] = frozenset()  # list keys (theme...) whose cells are one item each
    column_map: str | None = None     # the tracker's column map the file was read with
    language: str | None = None       # the language of the tracker's texts, when the map says

    def header(self, key: str) -> str:
        """The header the file uses for ``key`` (OGP's name when the file lacks it)."""
        for index, found in self.keys.items():
            if found == key:
                return self.headers[index]
        return header_of(key) if key in dict(columns()) else key

    def has(self, key: str) -> bool:
        return key in self.keys.values()


def unformula(text: str) -> str:
    """Undo the export's formula guard: ``'=...`` -> ``=...``."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def read(content: bytes | str, aliases: Mapping[str, str] | None = None,
         required: Iterable[str] = REQUIRED) -> Sheet:
    """Parse a commitments CSV (or an Excel workbook's first sheet, or a JSON list of rows);
    cells trimmed, rows numbered as a spreadsheet shows them, JSON rows from 1.

    :param aliases: extra header -> key names (a mapping file)
    :raises SheetError: no header line, or not CSV
    """
    if isinstance(content, bytes) and content[:4] == b"PK\x03\x04":
        headers, records, delimiter = _xlsx_rows(content)
        return _sheet(headers, records, delimiter, aliases, required)
    if isinstance(content, bytes) and b"\x00" in content[:4096]:
        raise SheetError(tk._("Not a CSV file: it looks like a binary file"))
    text = decode(content)
    if not text.strip():
        raise SheetError(tk._("The file is empty"))
    if text.lstrip()[:1] in ("{", "["):
        headers, records, delimiter = _json_rows(text)
    else:
        delimiter = sniff_delimiter(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            headers = [h.strip() for h in next(reader)]
        except (csv.Error, StopIteration) as error:
            raise SheetError(tk._("Not a CSV file: {error}").format(error=error)) from None
        # Numbered as a spreadsheet shows them: the header is row 1 (a cell may hold line breaks).
        records = enumerate(reader, start=2)
    return _sheet(headers, records, delimiter, aliases, required)


def _sheet(headers: list[str], records: Iterable[tuple[int, list[str]]], delimiter: str,
           aliases: Mapping[str, str] | None, required: Iterable[str]) -> Sheet:
    keys: dict[int, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        key = key_for_header(header, aliases)
        if key is None or key in keys.values():
            if header:
                unknown.append(header)
            continue
        keys[index] = key
    missing = [key for key in required if key not in keys.values()]
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for number, cells in records:
            if not any(cell.strip() for cell in cells):
                continue
            row = {key: unformula(cells[index].strip()) if index < len(cells) else ""
                   for index, key in keys.items()}
            rows.append((number, row))
    except csv.Error as error:
        raise SheetError(tk._("Not a CSV file: {error}").format(error=error)) from None
    return Sheet(headers, keys, unknown, missing, rows, delimiter)


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(content: bytes) -> tuple[list[str], Iterable[tuple[int, list[str]]], str]:
    """The first worksheet of an Excel workbook (as OGP's sheet is often downloaded)."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = [[_xlsx_cell(value) for value in row]
                for row in workbook.worksheets[0].iter_rows(values_only=True)]
    except Exception as error:  # noqa: BLE001 - any unreadable workbook is the user's file error
        raise SheetError(tk._("Not an Excel workbook: {error}").format(error=error)) from None
    if not rows:
        raise SheetError(tk._("The file is empty"))
    return [h.strip() for h in rows[0]], list(enumerate(rows[1:], start=2)), "xlsx"


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_json_cell(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json_rows(text: str) -> tuple[list[str], Iterable[tuple[int, list[str]]], str]:
    """A JSON list of objects (as the export writes it): the keys are the headers, items are
    numbered from 1."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise SheetError(tk._("Not a JSON file: {error}").format(error=error)) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise SheetError(tk._("The file is JSON but not a list of rows (objects with one key "
                              "per column)"))
    headers: list[str] = []
    for item in data:
        headers += [str(key) for key in item if str(key) not in headers]
    records = [(number, [_json_cell(item.get(header)) for header in headers])
               for number, item in enumerate(data, start=1)]
    return headers, records, "json"


# --- cell values --------------------------------------------------------------------------

class CellError(ValueError):
    """A cell's value is not valid (the message is translated); ``key`` names the column."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


_TRUE = {"1", "1 0", "yes", "y", "x", "true", "si", "s", "relevant", "starred"}
_FALSE = {"", "0", "0 0", "no", "n", "false", "not relevant", "none", "n a", "na"}

_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan", "enero", "ene"), ("february", "feb", "febrero"),
    ("march", "mar", "marzo"), ("april", "apr", "abril", "abr"), ("may", "mayo"),
    ("june", "jun", "junio"), ("july", "jul", "julio"), ("august", "aug", "agosto", "ago"),
    ("september", "sep", "sept", "septiembre", "setiembre", "set"),
    ("october", "oct", "octubre"), ("november", "nov", "noviembre"),
    ("december", "dec", "diciembre", "dic")), start=1) for name in names}


def flag(key: str, text: str) -> bool:
    if text.strip() in ("✔", "✓", "☑", "✅", "●"):
        return True
    name = normalise(text)
    if name in _TRUE:
        return True
    if name in _FALSE:
        return False
    raise CellError(key, tk._("Expected 1 or 0 (yes or no), got: {value}").format(value=text))


def _last_day(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


def date(key: str, text: str, end: bool = False) -> str:
    """An ISO date from ``2019-09-01``, ``01/09/2019`` (day first), ``2019-09``,
    ``September 2019``, ``septiembre de 2019`` or ``2019``; a month or a year alone means its
    first day, or its last day for an end date. Empty stays empty."""
    text = text.strip()
    if not text:
        return ""
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text):
            return datetime.date(*map(int, match.groups())).isoformat()
        if match := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
            day, month, year = map(int, match.groups())
            return datetime.date(year, month, day).isoformat()
        words = normalise(text).replace(" de ", " ").split()
        year = month = None
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = map(int, match.groups())
        elif len(words) == 2 and words[0] in _MONTHS and words[1].isdigit():
            year, month = int(words[1]), _MONTHS[words[0]]
        elif re.fullmatch(r"\d{4}", text):
            year = int(text)
        if year is not None:
            if month is None:
                month = 12 if end else 1
            if not 1 <= month <= 12:
                raise ValueError(text)
            return datetime.date(year, month, _last_day(year, month) if end else 1).isoformat()
    except ValueError:
        pass
    raise CellError(key, tk._("Invalid date: {value}. Expected e.g. 2019-09-01, 01/09/2019 or "
                              "September 2019").format(value=text))


def year(key: str, text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    if re.fullmatch(r"\d{4}(\.0)?", text):
        return text[:4]
    raise CellError(key, tk._("Invalid year: {value}. Expected four digits, e.g. 2019")
                    .format(value=text))


def whole_number(key: str, text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    if re.fullmatch(r"\d+(\.0)?", text) and int(float(text)) > 0:
        return str(int(float(text)))
    raise CellError(key, tk._("Not a whole number: {value}").format(value=text))


def irm_code(key: str, text: str) -> str:
    """The code of an IRM assessment, from its English or Spanish label or its code."""
    if not text.strip():
        return ""
    codelist, scale = IRM_FIELDS[key]
    name = normalise(text)
    for code in codelists.get(codelist).codes:
        if scale and code.extra.get("scale") != scale:
            continue
        short = code.code.split("-", 1)[1] if scale else code.code
        if name in {normalise(code.code), normalise(short), normalise(code.label["en"]),
                    normalise(code.label["es"])}:
            return code.code
    if codelist == "yes-no":
        return "yes" if flag(key, text) else "no"
    allowed = ", ".join(code.label["en"] for code in codelists.get(codelist).codes
                        if not scale or code.extra.get("scale") == scale)
    raise CellError(key, tk._("Unknown value: {value}. Expected one of: {allowed}")
                    .format(value=text, allowed=allowed))


def split_list(text: str, commas: bool = False) -> list[str]:
    """Names separated by ``;``, ``|`` or line breaks (commas belong to names, unless
    ``commas``)."""
    parts = re.split(r"[;|\n,]" if commas else r"[;|\n]", text)
    found: list[str] = []
    for part in parts:
        part = part.strip().strip("•-* ").strip()
        if part and part not in found:
            found.append(part)
    return found


@dataclasses.dataclass
class Record:
    """One row of the sheet as values of the portal (codes, ISO dates, lists)."""
    row: int
    values: dict[str, Any]       # keys of the file's known columns only
    errors: list[CellError]
    warnings: list[CellError] = dataclasses.field(default_factory=list)


_OGP_ID = re.compile(r"[A-Z]{2}\d{4}")


def status_code(key: str, text: str) -> str:
    """A code of ``commitment-status`` from its code or its English or Spanish label."""
    if not text.strip():
        return ""
    found = _code_names("commitment-status").get(normalise(text))
    if found:
        return found
    allowed = ", ".join(code.label["en"] for code in codelists.get("commitment-status").codes)
    raise CellError(key, tk._("Unknown value: {value}. Expected one of: {allowed}")
                    .format(value=text, allowed=allowed))


def milestones(key: str, text: str, warnings: list[CellError] | None = None) -> list[dict[str, Any]]:
    """A column map's milestones (a JSON list of description, start_date, end_date, status
    texts) as values of the portal; a milestone without a description is left out, and the
    dates of one that ends before it starts (a tracker's slip) are left out with a warning."""
    found: list[dict[str, Any]] = []
    for item in json.loads(text or "[]"):
        if not (item.get("description") or "").strip():
            continue
        milestone: dict[str, Any] = {"description": item["description"].strip()}
        for field in ("start_date", "end_date"):
            if value := date(key, item.get(field) or "", end=field == "end_date"):
                milestone[field] = value
        start, end = milestone.get("start_date"), milestone.get("end_date")
        if start and end and end < start:
            del milestone["start_date"], milestone["end_date"]
            if warnings is not None:
                warnings.append(CellError(key, tk._(
                    "Milestone “{milestone}”: the end date ({end}) is before the start date "
                    "({start}); its dates were left out").format(
                        milestone=milestone["description"][:60], end=end, start=start)))
        if value := status_code(key, item.get("status") or ""):
            milestone["status"] = value
        found.append(milestone)
    return found


def parse_row(row_number: int, row: Mapping[str, str],
              whole: Iterable[str] = ()) -> Record:
    """Cell texts -> values; every cell is checked, each bad cell gives one error.

    :param whole: list keys whose cells are one item each (a column map's ``whole``)
    """
    values: dict[str, Any] = {}
    errors: list[CellError] = []
    warnings: list[CellError] = []
    ogp_values: list[str] | None = None
    areas: list[str] | None = None
    for key, text in row.items():
        try:
            if key in ("start_date", "end_date"):
                values[key] = date(key, text, end=key == "end_date")
            elif key in ("submission_year", "end_year"):
                values[key] = year(key, text)
            elif key == "plan_number":
                values[key] = whole_number(key, text)
            elif key in IRM_FIELDS:
                values[key] = irm_code(key, text)
            elif key in ("supporting_institutions", "theme") and key in whole:
                values[key] = [text.strip()] if text.strip() else []
            elif key in ("supporting_institutions", "theme"):
                values[key] = split_list(text, commas=key == "theme")
            elif key == "commitment_status":
                values[key] = status_code(key, text)
            elif key == "milestones":
                values[key] = milestones(key, text, warnings)
            elif key.startswith("value:"):
                ogp_values = ogp_values if ogp_values is not None else []
                if flag(key, text):
                    ogp_values.append(key.split(":", 1)[1])
            elif key.startswith("area:"):
                areas = areas if areas is not None else []
                if flag(key, text):
                    areas.append(key.split(":", 1)[1])
            else:
                values[key] = text
        except CellError as error:
            errors.append(error)
    # The codes whose column the file has: the others of a commitment are left as they are.
    if ogp_values is not None:
        values["ogp_values"] = ogp_values
        values["ogp_values_columns"] = [k.split(":", 1)[1] for k in row if k.startswith("value:")]
    if areas is not None:
        values["policy_areas"] = areas
        values["policy_areas_columns"] = [k.split(":", 1)[1] for k in row if k.startswith("area:")]
    if "ogp_id" in row:
        identifier = re.sub(r"\s+", "", row["ogp_id"])
        # Stored in upper case when it is an OGP code; anything else is reported as written.
        values["ogp_id"] = identifier.upper() if _OGP_ID.fullmatch(identifier.upper()) else identifier
        if not identifier and not (row.get("tracker_id") or "").strip():
            errors.append(CellError("ogp_id", tk._("Missing value")))
    if "tracker_id" in row:
        values["tracker_id"] = row["tracker_id"].strip()
    if "title" in row and not row["title"].strip():
        errors.append(CellError("title", tk._("Missing value")))
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors.append(CellError("end_date", tk._("The end date ({end}) is before the start date "
                                                 "({start})").format(end=end, start=start)))
    return Record(row_number, values, errors, warnings)


# --- writing ------------------------------------------------------------------------------

def safe_cell(value: Any) -> str:
    """A cell that a spreadsheet will not run as a formula: ``=``, ``+``, ``-``, ``@`` at
    the start get a ``'`` before them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def row_cells(values: Mapping[str, Any]) -> dict[str, str]:
    """Portal values (as ``parse_row`` gives them) -> header -> cell text."""
    cells: dict[str, str] = {}
    ogp_values = set(values.get("ogp_values") or [])
    areas = set(values.get("policy_areas") or [])
    for key, header in columns():
        if key.startswith("value:"):
            text = "1" if key.split(":", 1)[1] in ogp_values else "0"
        elif key.startswith("area:"):
            text = "1" if key.split(":", 1)[1] in areas else "0"
        elif key in IRM_FIELDS:
            code = values.get(key) or ""
            entry = codelists.get(IRM_FIELDS[key][0]).get(code) if code else None
            text = entry.label["en"] if entry else code
        elif key in ("supporting_institutions", "theme"):
            text = "; ".join(values.get(key) or [])
        else:
            text = values.get(key) or ""
        cells[header] = str(text)
    return cells
