"""Guards of the harvester: nothing lost, nothing trusted blindly.

* :func:`check_payload` refuses answers that cannot be a catalogue (empty, an HTML page) and
  unsafe documents before rdflib sees them: XML with a DTD or entity declarations (billion
  laughs, XXE) and empty JSON-LD (remote ``@context`` references are handled by
  :mod:`.contexts`: never downloaded).
* :func:`check_deletions` refuses to delete most of a source's datasets at once unless the source
  explicitly allows it.
* :func:`check_record` reports records without title or identifier (skipped, the rest imported).

Every refusal is a :class:`GuardError` with a translatable message that never quotes content.
"""
from __future__ import annotations

import re
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from xml.etree.ElementTree import ParseError

from ckanext.ogpcatalog.dcat.fetch import FetchError
from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.logic import json_input

XML_FORMATS = {"xml", "rdf/xml", "application/rdf+xml", "pretty-xml", "trix"}
JSONLD_FORMATS = {"json-ld", "application/ld+json", "jsonld"}
JSON_FORMATS = {"datajson-argentina", "datajson-us"}

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])",
                         re.IGNORECASE | re.DOTALL)


class GuardError(FetchError):
    """A downloaded document refused by a guard (same translatable shape as FetchError)."""


def _strip_bom(content: bytes) -> bytes:
    return content[3:] if content.startswith(b"\xef\xbb\xbf") else content


def check_payload(content: bytes, fmt: str | None, url: str) -> bytes:
    """Refuse payloads that cannot be a catalogue or are unsafe to parse; return the content.

    :raises GuardError: empty answer, HTML page, XML with DTD/entities, malformed XML or JSON,
        JSON-LD with a remote ``@context``.
    """
    content = _strip_bom(content)
    if not content.strip():
        raise GuardError(N_("The server answered {url} with an empty document: nothing was "
                         "imported or deleted."), url=url)
    head = content[:4096]
    if _HTML_START.match(head):
        raise GuardError(N_("The server answered {url} with an HTML page (maybe a maintenance "
                         "page), not a catalogue: nothing was imported or deleted."), url=url)
    fmt = (fmt or "").lower()
    stripped = content.lstrip()
    looks_xml = stripped.startswith(b"<")
    if fmt in XML_FORMATS or (not fmt and looks_xml):
        check_xml(content, url)
    elif fmt in JSONLD_FORMATS or fmt in JSON_FORMATS or (not fmt and stripped[:1] in (b"{", b"[")):
        data = load_json(content, url)
        if fmt not in JSON_FORMATS:
            check_jsonld(data, url)
    return content


DEFAULT_MAX_ENTITY_EXPANSION = 1_000_000
_ENTITY_REFERENCE = re.compile(rb"&([A-Za-z_:][\w.:-]*);")


class _EntityRefused(Exception):
    """An XML entity declaration the guard refuses (external, parameter, unparsed, too large)."""


def _entity_expansion_limit() -> int:
    import ckan.plugins.toolkit as tk
    return tk.asint(tk.config.get("ckanext.ogpcatalog.harvest.max_entity_expansion")
                    or DEFAULT_MAX_ENTITY_EXPANSION)


def _check_internal_entities(content: bytes, limit: int) -> bool:
    """Read only the DTD of ``content``: True when it declares internal general entities, all
    of them bounded; raises :class:`_EntityRefused` for external, parameter or unparsed
    entities, and when the entities could expand the document by more than ``limit``
    characters (billion laughs: nested references; quadratic blow-up: many references)."""
    import xml.parsers.expat as expat

    entities: dict[str, str] = {}

    def declared(name, is_parameter, value, _base, system_id, public_id, notation):
        if is_parameter or value is None or system_id or public_id or notation:
            raise _EntityRefused(name)
        entities[name] = value

    def expanded_size(name: str, seen: tuple[str, ...], sizes: dict[str, int]) -> int:
        if name in seen:
            raise _EntityRefused(name)  # recursive: not well-formed anyway
        if name not in sizes:
            value = entities[name].encode("utf-8")
            size = len(value)
            for match in _ENTITY_REFERENCE.finditer(value):
                inner = match.group(1).decode("utf-8")
                if inner in entities:
                    size += expanded_size(inner, (*seen, name), sizes) - len(match.group(0))
                    if size > limit:
                        raise _EntityRefused(name)
            sizes[name] = size
        return sizes[name]

    class _DoctypeRead(Exception):
        pass

    def doctype_end():
        raise _DoctypeRead()

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = declared
    parser.UnparsedEntityDeclHandler = lambda name, *_args: (_ for _ in ()).throw(
        _EntityRefused(name))
    parser.EndDoctypeDeclHandler = doctype_end
    try:
        parser.Parse(content, True)
    except _DoctypeRead:
        pass
    except expat.ExpatError:
        return False  # the well-formedness check below reports it
    if not entities:
        return False
    sizes: dict[str, int] = {}
    total = 0
    for match in _ENTITY_REFERENCE.finditer(content):  # an upper bound: counts DTD text too
        name = match.group(1).decode("utf-8")
        if name in entities:
            total += expanded_size(name, (), sizes)
            if total > limit:
                raise _EntityRefused(name)
    return True


def check_xml(content: bytes, url: str) -> None:
    """Reject external references, unbounded entity expansion and malformed XML.

    Internal entity declarations (``<!ENTITY dct "http://purl.org/dc/terms/">``, common in
    RDF/XML written by Protégé and DCAT-AP_IT tools) are accepted when their expansion is
    bounded by ``ckanext.ogpcatalog.harvest.max_entity_expansion`` characters; external,
    parameter and unparsed entities are refused, and so is an external DTD.
    """
    try:
        internal_only = _check_internal_entities(content, _entity_expansion_limit())
    except _EntityRefused:
        raise GuardError(N_("The catalogue at {url} declares XML entities or a DTD, which are "
                         "refused for safety (entity expansion, external entities)."), url=url)
    try:
        defused_fromstring(content, forbid_dtd=not internal_only,
                           forbid_entities=not internal_only, forbid_external=True)
    except DefusedXmlException:
        raise GuardError(N_("The catalogue at {url} declares XML entities or a DTD, which are "
                         "refused for safety (entity expansion, external entities)."), url=url)
    except (ParseError, ValueError, UnicodeDecodeError):
        raise GuardError(N_("The catalogue at {url} is not well-formed XML."), url=url)


def load_json(content: bytes, url: str) -> Any:
    """The parsed JSON document; its nesting is checked first (never a ``RecursionError``).

    :raises GuardError: not UTF-8, not JSON, or nested deeper than
        ``ckanext.ogpcatalog.json.max_nesting``
    """
    try:
        text = content.decode("utf-8-sig")
        return json_input.loads(text)
    except json_input.TooDeep as error:
        raise GuardError(N_("The catalogue at {url} is nested deeper than {limit} levels "
                            "(arrays and objects inside each other), the portal's limit "
                            "(setting {setting}): nothing was imported or deleted."),
                         url=url, **error.params)
    except (ValueError, UnicodeDecodeError):
        raise GuardError(N_("The catalogue at {url} is not valid JSON."), url=url)


def check_jsonld(data: Any, url: str) -> None:
    """Refuse an empty JSON-LD document. Remote ``@context`` references are not refused here:
    :func:`ckanext.ogpcatalog.dcat.contexts.localize_contexts` replaces or leaves them out
    before parsing, so rdflib never downloads one."""
    if data in ({}, []):
        raise GuardError(N_("The catalogue at {url} is an empty JSON-LD document: nothing was "
                         "imported or deleted."), url=url)


def check_deletions(existing: int, to_delete: int, threshold: float,
                    allow_mass_deletion: bool) -> str | None:
    """The reason to refuse deleting ``to_delete`` of ``existing`` datasets, or None to go ahead.

    :param threshold: the largest fraction of the source's datasets one harvest may delete
    """
    if to_delete == 0 or allow_mass_deletion:
        return None
    if existing and to_delete / existing > threshold:
        return (N_("The catalogue no longer lists {count} of the {existing} datasets harvested "
                "from it (more than {percent}%): nothing was deleted. If this is intended, set "
                "\"allow_mass_deletion\": true in the source configuration and harvest again."))
    return None


def check_record(dataset: dict[str, Any], guid: str | None) -> str | None:
    """The reason to skip a parsed record, or None."""
    title = dataset.get("title")
    translated = dataset.get("title_translated")
    if isinstance(translated, dict) and any(v for v in translated.values() if isinstance(v, str)):
        title = title or next(v for v in translated.values() if isinstance(v, str) and v)
    if not (isinstance(title, str) and title.strip()):
        return N_("A record without title was skipped (identifier: {guid}).")
    if not guid:
        return N_("A record without identifier was skipped (title: {title}).")
    return None
