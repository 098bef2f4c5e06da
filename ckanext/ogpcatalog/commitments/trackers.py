"""Column maps: reading the files of other commitment trackers (Mexico's AGA dashboard, Buenos
Aires' OGP Local site, open.usa.gov's fifth US plan...) as rows of OGP's commitments sheet.

A map (a YAML file under ``column_maps/``, or the same YAML given by the user) names the
tracker's columns, or the dotted keys of its JSON rows (``metadatos.descripcion``), and the
sheet column each fills; ``rows`` says where the commitments are in a nested JSON document
(``plan.*.compromisos.*``), ``milestones`` where each commitment's milestones are, ``fixed``
gives what the rows do not carry (country, plan number, years) and ``detect`` the columns
that identify the tracker's files, so that a file is read with its map without naming it.

The tracker's own identifier is kept as ``tracker_id``; the OGP identifier is filled only
from a column that holds one, or from the map's ``ogp_ids`` table.
"""
from __future__ import annotations

import csv
import dataclasses
import functools
import html
import io
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
import yaml

from ckanext.ogpcatalog.commitments import sheet as sheet_module
from ckanext.ogpcatalog.commitments.sheet import Sheet, SheetError

MAPS_DIR = Path(__file__).resolve().parent / "column_maps"

# Keys a map may fill besides the sheet's columns.
TRACKER_KEYS = ("tracker_id", "problem", "commitment_status")
MILESTONE_KEYS = ("description", "start_date", "end_date", "status")
_OGP_ID = re.compile(r"^[A-Za-z]{2}\d{4}$")


class ColumnMapError(ValueError):
    """The column map is unknown or not valid (the message is translated)."""


@dataclasses.dataclass(frozen=True)
class Column:
    to: str
    html: bool = False              # HTML text: tags removed, entities decoded
    whole: bool = False             # a list column (theme...) kept as one item
    values: Mapping[str, str] = dataclasses.field(default_factory=dict)  # normalised text -> code


@dataclasses.dataclass(frozen=True)
class ColumnMap:
    name: str
    title: Mapping[str, str]
    language: str | None
    rows: str | None
    detect: tuple[str, ...]
    columns: tuple[tuple[str, Column], ...]   # (source, column), in the map's order
    fixed: Mapping[str, str]
    ogp_ids: Mapping[str, str]
    milestones: ColumnMap | None = None

    def targets(self) -> set[str]:
        return {column.to for _source, column in self.columns}


# --- loading ------------------------------------------------------------------------------

def names() -> list[str]:
    """The maps shipped with the extension."""
    return sorted(path.stem for path in MAPS_DIR.glob("*.yaml"))


def _invalid(detail: str) -> ColumnMapError:
    return ColumnMapError(tk._("Not a valid column map: {detail}").format(detail=detail))


def _column(source: str, spec: Any, allowed: Iterable[str]) -> Column:
    if isinstance(spec, str):
        spec = {"to": spec}
    if not isinstance(spec, dict) or str(spec.get("to")) not in allowed:
        raise _invalid(tk._("{source}: expected one of {allowed}").format(
            source=source, allowed=", ".join(sorted(allowed))))
    values = spec.get("values") or {}
    if not isinstance(values, dict):
        raise _invalid(f"{source}: values")
    return Column(str(spec["to"]), bool(spec.get("html")), bool(spec.get("whole")),
                  {sheet_module.normalise(str(k)): str(v) for k, v in values.items()})


def parse(data: Any, name: str, nested: bool = False) -> ColumnMap:
    """A map from its YAML content (already loaded)."""
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise _invalid(tk._("a mapping with “columns” is expected"))
    allowed = set(MILESTONE_KEYS) if nested else (
        {key for key, _header in sheet_module.columns()} | set(TRACKER_KEYS))
    columns = tuple((str(source), _column(str(source), spec, allowed))
                    for source, spec in data["columns"].items())
    fixed = data.get("fixed") or {}
    ogp_ids = data.get("ogp_ids") or {}
    if not isinstance(fixed, dict) or not isinstance(ogp_ids, dict):
        raise _invalid(tk._("“fixed” and “ogp_ids” must be mappings"))
    milestones = data.get("milestones")
    title = data.get("title") or {}
    return ColumnMap(
        name=name,
        title=title if isinstance(title, dict) else {"es": str(title), "en": str(title)},
        language=str(data["language"]) if data.get("language") else None,
        rows=str(data["rows"]) if data.get("rows") else None,
        detect=tuple(str(key) for key in data.get("detect") or ()),
        columns=columns,
        fixed={str(k): str(v) for k, v in fixed.items() if v not in (None, "")},
        ogp_ids={str(k): str(v) for k, v in ogp_ids.items()},
        milestones=parse(milestones, name, nested=True) if milestones and not nested else None,
    )


@functools.lru_cache(maxsize=16)
def shipped(name: str) -> ColumnMap:
    path = MAPS_DIR / f"{name}.yaml"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or not path.is_file():
        raise ColumnMapError(tk._("Unknown column map: {name}. Shipped maps: {names}").format(
            name=name, names=", ".join(names())))
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")), name)


def load(value: str | Mapping[str, Any]) -> ColumnMap:
    """A shipped map by its name, or a map given as YAML text (or as a dict)."""
    if isinstance(value, Mapping):
        return parse(dict(value), "custom")
    text = str(value).strip()
    if "\n" not in text and ":" not in text:
        return shipped(text)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _invalid(str(error).splitlines()[0]) from None
    return parse(data, "custom")


# --- the rows of a file -------------------------------------------------------------------

def select(data: Any, path: str | None) -> list[Any]:
    """The items at a dotted path: ``*`` takes each item of a list or each value of an
    object; a list met on the way is walked item by item."""
    found = [data]
    for segment in (path or "").split(".") if path else ():
        following: list[Any] = []
        for item in found:
            if segment == "*":
                following += item if isinstance(item, list) else (
                    list(item.values()) if isinstance(item, dict) else [])
                continue
            for element in item if isinstance(item, list) else [item]:
                if isinstance(element, dict) and segment in element:
                    following.append(element[segment])
        found = following
    rows: list[Any] = []
    for item in found:
        rows += item if isinstance(item, list) else [item]
    return rows


def flatten(record: Mapping[str, Any], skip: str | None = None, prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted keys (``metadatos.descripcion``); lists stay as they are;
    the key ``skip`` (where the milestones are) is left out."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if skip and name == skip:
            continue
        if isinstance(value, dict) and value and not prefix.count(".") > 4:
            flat.update(flatten(value, skip, name + "."))
        else:
            flat[name] = value
    return flat


def _document(content: bytes | str) -> tuple[Any, str]:
    """The file as a JSON document or as CSV records (a list of header -> cell dicts)."""
    if isinstance(content, bytes) and (content[:4] == b"PK\x03\x04" or b"\x00" in content[:4096]):
        return None, "binary"
    text = sheet_module.decode(content)
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text), "json"
        except ValueError:
            return None, "json"
    delimiter = sheet_module.sniff_delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        headers = [h.strip() for h in next(reader, [])]
        records = [dict(zip(headers, cells)) for cells in reader if any(c.strip() for c in cells)]
    except csv.Error:
        return None, delimiter
    return records, delimiter


def _records(document: Any, column_map: ColumnMap, kind: str) -> list[dict[str, Any]]:
    if kind == "json" and not isinstance(document, list):
        document = select(document, column_map.rows)
    return [item for item in document or () if isinstance(item, dict)]


def detect(content: bytes | str) -> ColumnMap | None:
    """The shipped map whose ``detect`` columns the file has (None unless exactly one)."""
    document, kind = _document(content)
    if document is None:
        return None
    found = []
    for name in names():
        column_map = shipped(name)
        if not column_map.detect:
            continue
        records = _records(document, column_map, kind)[:20]
        keys = {key for record in records for key in flatten(record)}
        if records and set(column_map.detect) <= keys:
            found.append(column_map)
    return found[0] if len(found) == 1 else None


def _plain(html_text: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", html_text)
    text = html.unescape(re.sub(r"<[^>]*>", "", text)).replace("\xa0", " ")
    text = re.sub(r"@\w+@", "", text)  # the site's image placeholders (@fotoC@)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _cell(value: Any, column: Column) -> str:
    if value is None:
        text = ""
    elif isinstance(value, list):
        text = "\n".join(_cell(item, Column(column.to)) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    if column.html:
        text = _plain(text)
    text = text.strip()
    if column.values and text:
        text = column.values.get(sheet_module.normalise(text), text)
    return text


def _fill(flat: Mapping[str, Any], column_map: ColumnMap) -> dict[str, str]:
    """key -> text; when several columns fill one key, the first that is not empty."""
    row: dict[str, str] = {}
    for source, column in column_map.columns:
        if source in flat:
            text = _cell(flat[source], column)
            if not row.get(column.to):
                row[column.to] = text
    return row


def _milestones(record: Mapping[str, Any], milestone_map: ColumnMap) -> str:
    found = []
    for item in select(record, milestone_map.rows):
        if isinstance(item, dict):
            milestone = _fill(flatten(item), milestone_map)
            if any(milestone.values()):
                found.append(milestone)
    return json.dumps(found, ensure_ascii=False)


def _collapsed(headers: Iterable[str], mapped: set[str]) -> list[str]:
    """Unmapped headers, nested ones under a key that nothing maps named by that key."""
    prefixes = {source.split(".", 1)[0] for source in mapped}
    unknown: list[str] = []
    for header in headers:
        if header in mapped:
            continue
        top = header.split(".", 1)[0]
        name = header if top in prefixes else top
        if name not in unknown:
            unknown.append(name)
    return unknown


def read_with(content: bytes | str, column_map: ColumnMap,
              required: Iterable[str] = sheet_module.REQUIRED) -> Sheet:
    """The file's rows through a column map."""
    document, kind = _document(content)
    if kind == "binary":
        raise SheetError(tk._("Not a CSV file: it looks like a binary file"))
    if document is None:
        raise SheetError(tk._("The file cannot be read as CSV or JSON"))
    records = _records(document, column_map, kind)
    if not records:
        raise SheetError(tk._("No commitments found in the file where the column map “{name}” "
                              "expects them ({path})").format(
                                  name=column_map.name, path=column_map.rows or "[...]"))
    skip = column_map.milestones.rows.split(".", 1)[0] if column_map.milestones else None
    flats = [flatten(record, skip) for record in records]
    headers: list[str] = []
    for flat in flats:
        headers += [key for key in flat if key not in headers]
    sources = {source: column for source, column in column_map.columns}
    keys = {index: sources[header].to for index, header in enumerate(headers) if header in sources}
    present = set(keys.values()) | set(column_map.fixed)
    if column_map.milestones and any(skip in record for record in records):
        headers.append(skip)
        keys[len(headers) - 1] = "milestones"
    if "tracker_id" in present or column_map.ogp_ids:
        present.add("ogp_id")
    missing = [key for key in required if key not in present]
    first = 1 if kind == "json" else 2
    rows: list[tuple[int, dict[str, str]]] = []
    for number, (record, flat) in enumerate(zip(records, flats), start=first):
        row = _fill({header: flat.get(header) for header in headers if header in sources},
                    column_map)
        for key, value in column_map.fixed.items():
            if not row.get(key):
                row[key] = value
        tracker_id = row.get("tracker_id", "")
        ogp_id = re.sub(r"\s+", "", row.get("ogp_id", ""))
        if ogp_id and not _OGP_ID.match(ogp_id):
            # Not an OGP code: the tracker's own identifier, never a reason to refuse the row.
            if not tracker_id:
                row["tracker_id"] = tracker_id = row["ogp_id"].strip()
            ogp_id = ""
        if not ogp_id and tracker_id in column_map.ogp_ids:
            ogp_id = column_map.ogp_ids[tracker_id]
        if ogp_id or "ogp_id" in row:
            row["ogp_id"] = ogp_id
        if column_map.milestones and skip in record:
            row["milestones"] = _milestones(record, column_map.milestones)
        rows.append((number, row))
    whole = frozenset(column.to for _source, column in column_map.columns if column.whole)
    return Sheet(headers, keys, _collapsed(headers, set(sources) | ({skip} if skip else set())),
                 missing, rows, kind if kind == "json" else kind, whole=whole,
                 column_map=column_map.name, language=column_map.language)


def read(content: bytes | str, aliases: Mapping[str, str] | None = None,
         required: Iterable[str] = sheet_module.REQUIRED,
         column_map: str | Mapping[str, Any] | None = None) -> Sheet:
    """A commitments file: through the column map given (a shipped map's name or a map's
    YAML), else through the shipped map its columns designate, else as OGP's sheet.

    :raises ColumnMapError: the map named is unknown or not valid
    :raises SheetError: the file cannot be read
    """
    if column_map:
        return read_with(content, load(column_map), required)
    if not aliases and (found := detect(content)) is not None:
        return read_with(content, found, required)
    return sheet_module.read(content, aliases, required)
