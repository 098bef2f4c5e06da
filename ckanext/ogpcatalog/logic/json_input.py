"""JSON that users give (harvested catalogues, commitments files, OCDS files): its nesting is
bounded before it is parsed.

Python's ``json`` parses nested arrays and objects recursively: a document of 200,000 ``[``
raises ``RecursionError`` (a consumer crash, a 500), and a merely deep one makes every later
recursive walk (rdflib, jsonschema) fragile. :func:`check_nesting` scans the text once, without
recursion, skipping the strings, and refuses a document nested deeper than
``ckanext.ogpcatalog.json.max_nesting``; :func:`loads` is ``json.loads`` after that check.
"""
from __future__ import annotations

import itertools
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.language import N_

__all__ = ["MAX_NESTING_KEY", "TooDeep", "check_nesting", "loads", "max_nesting"]

MAX_NESTING_KEY = "ckanext.ogpcatalog.json.max_nesting"
DEFAULT_MAX_NESTING = 64

# A JSON string (escapes included), or an unterminated one to the end of the text.
_STRING_BYTES = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET_BYTES = bytes(byte for byte in range(256) if byte not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class TooDeep(ValueError):
    """A JSON document nested deeper than the limit. ``str()`` is the message in the current
    language; ``msgid`` and ``params`` let a caller store it and translate it later."""

    msgid = N_("The JSON document is nested deeper than {limit} levels (arrays and objects "
               "inside each other), the portal's limit (setting {setting}).")

    def __init__(self, limit: int):
        self.limit = limit
        self.params = {"limit": limit, "setting": MAX_NESTING_KEY}
        super().__init__(self.msgid)

    def __str__(self) -> str:
        return tk._(self.msgid).format(**self.params)


def max_nesting() -> int:
    """The deepest nesting of arrays and objects accepted (``ckanext.ogpcatalog.json.max_nesting``)."""
    value = tk.config.get(MAX_NESTING_KEY)
    return int(value) if value not in (None, "") else DEFAULT_MAX_NESTING


def nesting(text: str | bytes) -> int:
    """The deepest nesting of arrays and objects of ``text`` (brackets inside strings do not
    count), computed without recursion by regular expressions and a running sum in C.

    Closing brackets beyond the open ones are counted as they come (the running sum may go
    below zero): a JSON parser refuses such a text at that point, before any deeper part."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    # translate() deletes in C without building a list of pieces (re.sub would, one per
    # bracket: a GB for a file of nested arrays).
    brackets = _STRING_BYTES.sub(b"", data).translate(None, _NOT_BRACKET_BYTES)
    steps = map(_STEP.__getitem__, brackets)
    return max(itertools.accumulate(steps, initial=0))


def value_count(text: str | bytes) -> int:
    """About how many JSON values (arrays, objects and the items in them) ``text`` holds:
    its commas, ``[`` and ``{`` outside strings, plus one. What parsing it costs in memory
    grows with this count far more than with the size in bytes (``[[1,2],[3,4]]`` makes
    seven Python objects of 13 bytes)."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    bare = _STRING_BYTES.sub(b"", data)
    return bare.count(b",") + bare.count(b"[") + bare.count(b"{") + 1


def check_nesting(text: str | bytes, limit: int | None = None) -> None:
    """Refuse ``text`` when its arrays and objects nest deeper than ``limit`` (default: the
    setting).

    :raises TooDeep: the document is nested too deeply
    """
    limit = max_nesting() if limit is None else limit
    if nesting(text) > limit:
        raise TooDeep(limit)


def loads(text: str | bytes, limit: int | None = None) -> Any:
    """``json.loads`` after :func:`check_nesting` (raises :class:`TooDeep` or ``ValueError``)."""
    check_nesting(text, limit)
    return json.loads(text)
