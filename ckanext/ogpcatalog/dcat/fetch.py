"""The only way the harvesters download: catalogues through the guarded client of
:mod:`ckanext.ogpcatalog.net.client`.

The client accepts only ``http``/``https`` URLs, resolves the host once, refuses private,
loopback, link-local, shared (100.64.0.0/10), multicast and reserved addresses (unless listed in
``ckanext.ogpcatalog.net.allowed_addresses`` or its alias for harvests,
``ckanext.ogpcatalog.harvest.allowed_private_addresses``), connects to the very address it
checked (no DNS rebinding between check and connect), follows redirects itself checking every
hop (at most ``MAX_REDIRECTS``), has connect, read and total timeouts (a server dripping one byte
a second cannot hold a worker) and reads the body in a stream under a byte limit (a lying
``Content-Length`` changes nothing; gzip/deflate decompressed under the same limit). This module
adds what is particular to catalogues:

* refuses content types that cannot be a catalogue (HTML pages, images...);
* turns the client's errors into :class:`FetchError` whose message is translatable and never
  contains fetched content.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import ckan.plugins.toolkit as tk
from flask import has_request_context

from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.language.context import default_language_request
from ckanext.ogpcatalog.net import client

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
DEFAULT_DEADLINE = 120.0
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = "ckanext-ogpcatalog-harvester/1.0"

# Media types a catalogue can come in. `text/html` is refused with its own message.
ACCEPTED_CONTENT_TYPES = frozenset({
    "application/rdf+xml", "application/xml", "text/xml", "text/turtle", "application/x-turtle",
    "text/n3", "application/n-triples", "application/n-quads", "application/trig",
    "application/ld+json", "application/json", "text/json", "text/plain",
    "application/octet-stream", "binary/octet-stream",
})
ACCEPT_HEADER = ("application/rdf+xml, text/turtle;q=0.9, application/ld+json;q=0.9, "
                 "application/json;q=0.8, application/xml;q=0.5, */*;q=0.1")


def _(message: str) -> str:
    """gettext in the request's language; outside a request (the harvest consumers) in the
    portal's default language (language/context.py's ``default_language_request``)."""
    if has_request_context():
        return tk._(message)
    return _default_language_gettext(message)


def _default_language_gettext(message: str) -> str:
    try:
        with default_language_request():
            return tk._(message)
    except Exception:  # no CKAN application at all (plain scripts)
        return message


class FetchError(Exception):
    """A download refused or failed. ``str()`` is the translated message (no fetched content)."""

    def __init__(self, message: str, **params: Any):
        self.msgid = message
        self.params = params
        super().__init__(message)

    def __str__(self) -> str:
        return _(self.msgid).format(**self.params)


class UnsafeUrlError(FetchError):
    """The URL itself is refused (scheme, host, address): also raised at source creation."""


@dataclass
class FetchResult:
    url: str
    content: bytes
    content_type: str | None
    status: int


def _shorten(url: str, limit: int = 200) -> str:
    return client.shorten(url, limit)


# The client's error codes in the harvest's words.
MESSAGES = {
    "invalid_url": N_("The URL {url} is not valid."),
    "unsupported_scheme": N_("Only http and https URLs can be harvested, not {url}."),
    "no_host": N_("The URL {url} has no host name."),
    "unresolvable": N_("The host name {host} could not be resolved."),
    "refused_address": N_("The host {host} resolves to a private or reserved address, which "
                          "harvest sources may not use."),
    "connect_failed": N_("Could not connect to {url}."),
    "connect_timeout": N_("Connecting to {url} timed out."),
    "read_timeout": N_("The server at {url} did not answer in time."),
    "tls": N_("The secure connection to {url} failed (certificate or TLS error)."),
    "broken": N_("The connection to {url} broke before the whole catalogue was received."),
    "no_location": N_("The server at {url} redirected without a location."),
    "redirect_loop": N_("The server at {url} redirects in a loop."),
    "too_many_redirects": N_("The server at {url} redirected more than {count} times."),
    "deadline": N_("Downloading {url} took longer than {seconds} seconds."),
    "too_large": N_("The catalogue at {url} is larger than the limit of {limit} bytes."),
    "unsupported_encoding": N_("The server used the content encoding {encoding}, which is not "
                               "supported."),
    "corrupt_encoding": N_("The compressed answer from {url} is corrupt."),
}


def harvest_error(error: client.OutboundError) -> FetchError:
    """The client's ``error`` as a harvest :class:`FetchError` (:class:`UnsafeUrlError` for a
    refused URL)."""
    kind = UnsafeUrlError if isinstance(error, client.RefusedUrl) else FetchError
    return kind(MESSAGES[error.code], **error.params)


def check_url(url: str, resolve_required: bool = True) -> tuple[str, str, int, str | None]:
    """Check a URL as a harvest would and resolve its host:
    ``(scheme, host, port, address to connect to)``.

    :param resolve_required: when False (source creation), a host that does not resolve now is
        accepted (the harvest job reports it later); addresses it resolves to are still checked
    :raises UnsafeUrlError: malformed, not http(s), no host, unresolvable or a refused address.
    """
    try:
        target = client.check_url(url, "harvest", resolve_required=resolve_required)
    except client.OutboundError as error:
        raise harvest_error(error) from None
    return target.scheme, target.host, target.port, target.address


def _media_type(value: str | None) -> str | None:
    if not value:
        return None
    return value.split(";", 1)[0].strip().lower() or None


def check_content_type(content_type: str | None, url: str) -> None:
    media = _media_type(content_type)
    if media is None:
        return
    if media in ("text/html", "application/xhtml+xml"):
        raise FetchError(N_("The server answered {url} with an HTML page, not a catalogue."),
                         url=_shorten(url))
    if media not in ACCEPTED_CONTENT_TYPES and not media.endswith(("+xml", "+json")):
        raise FetchError(N_("The server answered {url} with the content type {type}, which is "
                         "not a catalogue format."), url=_shorten(url), type=media[:80])


def fetch(url: str, *, max_bytes: int = DEFAULT_MAX_BYTES, deadline: float = DEFAULT_DEADLINE,
          connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT,
          max_redirects: int = MAX_REDIRECTS,
          accept_content_types: Iterable[str] | None = None) -> FetchResult:
    """Download the catalogue at ``url`` through the guarded client.

    :param url: an http(s) URL
    :param max_bytes: the most bytes accepted, after decompression
    :param deadline: seconds for the whole download, redirects included
    :param accept_content_types: when given, the content type is not checked here
    :raises FetchError: on any refusal or failure (``UnsafeUrlError`` for refused URLs)
    """
    limits = client.Limits(connect_timeout=connect_timeout, read_timeout=read_timeout,
                           deadline=deadline, max_bytes=max_bytes, max_redirects=max_redirects)
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT_HEADER}
    try:
        with client.open_url("GET", url, purpose="harvest", limits=limits,
                             headers=headers) as response:
            status = response.status
            if status >= 400:
                raise FetchError(N_("The server answered {url} with the HTTP error {status}."),
                                 url=_shorten(response.url), status=status)
            if status != 200:
                raise FetchError(N_("The server answered {url} with the unexpected status "
                                 "{status}."), url=_shorten(response.url), status=status)
            content_type = response.headers.get("Content-Type")
            if accept_content_types is None:
                check_content_type(content_type, response.url)
            return FetchResult(url=response.url, content=response.read(),
                               content_type=content_type, status=status)
    except client.OutboundError as error:
        raise harvest_error(error) from None
