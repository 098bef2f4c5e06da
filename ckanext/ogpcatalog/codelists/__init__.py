"""Codelists as data: one YAML file per list, with Spanish and English labels, a source and
a version. Schemas (as ckanext-scheming choices), facets, the DCAT mapping and the metrics
all read them from here, so a code has one label everywhere.

File shape::

    name: ocds-method
    title: {es: ..., en: ...}
    source: where the list comes from
    uri: optional, the list's reference
    version: "1.1.5"
    codes:
      - {code: open, label: {es: Abierto, en: Open}, ...extra keys}
"""
from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

import yaml

from ckanext.ogpcatalog.language import LANGUAGES

DIRECTORY = Path(__file__).resolve().parent


class CodelistError(ValueError):
    """A codelist file is malformed (raised when it is read, naming the file)."""


@dataclasses.dataclass(frozen=True)
class Code:
    code: str
    label: dict[str, str]
    extra: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Codelist:
    name: str
    title: dict[str, str]
    source: str
    version: str
    uri: str | None
    codes: tuple[Code, ...]

    def get(self, code: str) -> Code | None:
        return next((c for c in self.codes if c.code == code), None)

    def __contains__(self, code: object) -> bool:
        return any(c.code == code for c in self.codes)


def names() -> list[str]:
    return sorted(path.stem for path in DIRECTORY.glob("*.yaml"))


@functools.lru_cache(maxsize=None)
def get(name: str) -> Codelist:
    path = DIRECTORY / f"{name}.yaml"
    if not path.is_file():
        raise CodelistError(f"no codelist named {name!r}")
    return _parse(path, yaml.safe_load(path.read_text(encoding="utf-8")))


def _parse(path: Path, data: Any) -> Codelist:
    def fail(message: str):
        raise CodelistError(f"{path.name}: {message}")

    if not isinstance(data, dict):
        fail("not a mapping")
    for key in ("name", "title", "source", "version", "codes"):
        if not data.get(key):
            fail(f"missing {key!r}")
    if data["name"] != path.stem:
        fail(f"name {data['name']!r} differs from the file name")
    codes = []
    seen: set[str] = set()
    for entry in data["codes"]:
        code = str(entry.get("code", "")).strip()
        if not code:
            fail("a code without `code`")
        if code in seen:
            fail(f"code {code!r} twice")
        seen.add(code)
        label = entry.get("label") or {}
        missing = [lang for lang in LANGUAGES if not str(label.get(lang, "")).strip()]
        if missing:
            fail(f"code {code!r} has no label in {', '.join(missing)}")
        extra = {k: v for k, v in entry.items() if k not in ("code", "label")}
        codes.append(Code(code, {lang: str(label[lang]) for lang in LANGUAGES}, extra))
    title = data["title"]
    if not all(str(title.get(lang, "")).strip() for lang in LANGUAGES):
        fail("title needs es and en")
    return Codelist(data["name"], dict(title), str(data["source"]), str(data["version"]),
                    data.get("uri"), tuple(codes))


def label(name: str, code: str, language: str) -> str:
    """The code's label in ``language``, else in the other language, else the code itself."""
    entry = get(name).get(code)
    if entry is None:
        return code
    return entry.label.get(language) or next(iter(entry.label.values()), code)


def choices(name: str, **extra_filter: Any) -> list[dict[str, Any]]:
    """ckanext-scheming ``choices``: ``[{"value": code, "label": {"es": ..., "en": ...}}]``,
    optionally only codes whose extra keys match (e.g. ``scale="completion"``)."""
    return [{"value": c.code, "label": dict(c.label)} for c in get(name).codes
            if all(c.extra.get(k) == v for k, v in extra_filter.items())]
