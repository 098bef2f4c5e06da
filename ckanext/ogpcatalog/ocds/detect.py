"""What an OCDS file is: its encoding, how its JSON values are laid out and their kind.

Kinds follow ocdskit's detection (``ocdskit.util``): release package, record package, compiled
release, release, record, versioned release. A file may hold one JSON value, JSON Lines (one
value per line) or a concatenated stream of values. Problems are raised as :class:`FileProblem`
with a code (translated where shown) and parameters, never as a crash.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ocdskit import util as ocdskit_util

RELEASE_PACKAGE = "release_package"
RECORD_PACKAGE = "record_package"
COMPILED_RELEASE = "compiled_release"
RELEASE = "release"
RECORD = "record"
VERSIONED_RELEASE = "versioned_release"
PACKAGES = (RELEASE_PACKAGE, RECORD_PACKAGE)

SINGLE = "single"
JSON_LINES = "json_lines"
CONCATENATED = "concatenated"


class FileProblem(Exception):
    """A file that cannot be read as OCDS: ``code`` names the problem (see ``ocds.messages``)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Parsed:
    """A file's JSON values with how they were found."""

    values: list[Any]
    layout: str = SINGLE
    encoding: str = "utf-8"
    kinds: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.kinds[0] if self.kinds else ""


def decode(raw: bytes) -> tuple[str, str]:
    """The text of the file and its encoding: UTF-8 (with or without BOM), else ISO-8859-1
    (which OCDS does not allow: the caller reports it)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise FileProblem("not_json") from error
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("iso-8859-1"), "iso-8859-1"


_WHITESPACE = re.compile(r"\s*")


def parse(raw: bytes) -> Parsed:
    """Parse one JSON value, JSON Lines or a concatenated stream of JSON values."""
    if not raw.strip():
        raise FileProblem("empty")
    text, encoding = decode(raw)
    try:
        return Parsed([json.loads(text)], SINGLE, encoding)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise FileProblem("not_json", line=error.lineno, column=error.colno, reason=error.msg) from error
    decoder = json.JSONDecoder()
    values: list[Any] = []
    position = _WHITESPACE.match(text, 0).end()
    one_per_line = True
    while position < len(text):
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise FileProblem("not_json", line=error.lineno, column=error.colno, reason=error.msg) from error
        values.append(value)
        following = _WHITESPACE.match(text, end).end()
        if following < len(text) and "\n" not in text[end:following]:
            one_per_line = False
        position = following
    return Parsed(values, JSON_LINES if one_per_line else CONCATENATED, encoding)


def kind_of(value: Any) -> str:
    """The OCDS kind of one JSON value, or "" when it is not OCDS."""
    if not isinstance(value, dict):
        return ""
    if ocdskit_util.is_record_package(value):
        return RECORD_PACKAGE
    if ocdskit_util.is_release_package(value):
        return RELEASE_PACKAGE
    if ocdskit_util.is_record(value):
        return RECORD
    if ocdskit_util.is_compiled_release(value):
        return COMPILED_RELEASE
    if ocdskit_util.is_release(value):
        return RELEASE
    if "ocid" in value:
        return VERSIONED_RELEASE
    # An empty package (ocdskit's "empty package"): package metadata without releases or records.
    if sum(1 for key in ("uri", "publisher", "publishedDate", "version") if key in value) >= 3:
        return RELEASE_PACKAGE
    return ""


def detect(raw: bytes) -> Parsed:
    """Parse and name the kind of every value; a file that is JSON but not OCDS is a problem."""
    parsed = parse(raw)
    # A top-level array of packages, releases or records (as some APIs serve) is a stream of
    # its items.
    if any(isinstance(value, list) for value in parsed.values):
        values: list[Any] = []
        for value in parsed.values:
            values.extend(value if isinstance(value, list) else [value])
        if not values:
            raise FileProblem("not_ocds")
        parsed.values = values
        if parsed.layout == SINGLE:
            parsed.layout = CONCATENATED
    values = parsed.values
    parsed.kinds = [kind_of(value) for value in values]
    if not all(parsed.kinds):
        index = next(i for i, kind in enumerate(parsed.kinds) if not kind)
        raise FileProblem("not_ocds", item=index + 1)
    return parsed
