"""The only way the harvester downloads: hardened HTTP(S) fetching of remote catalogues.

Every request:

* accepts only ``http``/``https`` URLs (no ``file://``, no local paths);
* resolves the host once, refuses private, loopback, link-local, multicast and reserved
  addresses (unless listed in ``ckanext.ogpcatalog.harvest.allowed_private_addresses``) and
  connects to the very address it checked (no DNS rebinding between check and connect);
* follows redirects itself, checking every hop the same way, up to ``MAX_REDIRECTS``;
* has a connect timeout, a read timeout and a total deadline (a server dripping one byte a
  second cannot hold a worker);
* reads the body in a stream up to a byte limit (a lying ``Content-Length`` changes nothing)
  and decompresses gzip/deflate incrementally under the same limit (no gzip bombs);
* refuses content types that cannot be a catalogue (HTML pages, images...).

Errors are :class:`FetchError` whose message is translatable and never contains fetched content.
"""
from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3

import ckan.plugins.toolkit as tk
from flask import has_request_context

from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.language.context import default_language_request

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
DEFAULT_DEADLINE = 120.0
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CHUNK_SIZE = 64 * 1024
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
    return url if len(url) <= limit else url[:limit] + "..."


def allowed_private_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    raw = tk.config.get("ckanext.ogpcatalog.harvest.allowed_private_addresses") or []
    if isinstance(raw, str):
        raw = raw.split()
    networks = []
    for item in raw:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            continue
    return networks


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified)


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if _is_public(ip):
        return True
    return any(ip in network for network in allowed_private_networks())


def check_url(url: str, resolve_required: bool = True) -> tuple[str, str, int, str | None]:
    """Check a URL and resolve its host: ``(scheme, host, port, address to connect to)``.

    :param resolve_required: when False (source creation), a host that does not resolve now is
        accepted (the harvest job reports it later); addresses it resolves to are still checked
    :raises UnsafeUrlError: not http(s), no host, unresolvable or a refused address.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeUrlError(N_("The URL {url} is not valid."), url=_shorten(url))
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeUrlError(N_("Only http and https URLs can be harvested, not {url}."),
                             url=_shorten(url))
    host = parts.hostname
    if not host:
        raise UnsafeUrlError(N_("The URL {url} has no host name."), url=_shorten(url))
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        if not resolve_required:
            return scheme, host, port, None
        raise UnsafeUrlError(N_("The host name {host} could not be resolved."), host=host)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise UnsafeUrlError(N_("The host name {host} could not be resolved."), host=host)
    for address in addresses:
        if not address_allowed(address):
            raise UnsafeUrlError(
                N_("The host {host} resolves to a private or reserved address, which harvest "
                "sources may not use."), host=host)
    return scheme, host, port, addresses[0]


def _pool(scheme: str, host: str, port: int, address: str, timeout: urllib3.Timeout):
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, maxsize=1,
            cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(),
            server_hostname=host, assert_hostname=host)
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)


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


class _Decoder:
    """Incremental gzip/deflate decoding with an output limit."""

    def __init__(self, encoding: str | None, max_bytes: int, url: str):
        encoding = (encoding or "").strip().lower()
        self.url = url
        self.max_bytes = max_bytes
        self.size = 0
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif encoding in ("", "identity"):
            self._zlib = None
        else:
            raise FetchError(N_("The server used the content encoding {encoding}, which is not "
                             "supported."), encoding=encoding[:40])

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise FetchError(N_("The catalogue at {url} is larger than the limit of {limit} bytes."),
                             url=_shorten(self.url), limit=self.max_bytes)
        return data

    def feed(self, chunk: bytes) -> bytes:
        if self._zlib is None:
            return self._count(chunk)
        out = []
        data = chunk
        while data:
            room = self.max_bytes - self.size + 1
            try:
                piece = self._zlib.decompress(data, room)
            except zlib.error:
                raise FetchError(N_("The compressed answer from {url} is corrupt."),
                                 url=_shorten(self.url))
            out.append(self._count(piece))
            data = self._zlib.unconsumed_tail
        return b"".join(out)

    def finish(self) -> bytes:
        if self._zlib is None:
            return b""
        try:
            return self._count(self._zlib.flush())
        except zlib.error:
            raise FetchError(N_("The compressed answer from {url} is corrupt."),
                             url=_shorten(self.url))


def fetch(url: str, *, max_bytes: int = DEFAULT_MAX_BYTES, deadline: float = DEFAULT_DEADLINE,
          connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT,
          max_redirects: int = MAX_REDIRECTS,
          accept_content_types: Iterable[str] | None = None) -> FetchResult:
    """Download ``url`` under every guard of this module.

    :param url: an http(s) URL
    :param max_bytes: the most bytes accepted, after decompression
    :param deadline: seconds for the whole download, redirects included
    :raises FetchError: on any refusal or failure (``UnsafeUrlError`` for refused URLs)
    """
    started = time.monotonic()
    end = started + deadline
    seen: list[str] = []
    current = url
    while True:
        scheme, host, port, address = check_url(current)
        assert address is not None
        parts = urlsplit(current)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise FetchError(N_("Downloading {url} took longer than {seconds} seconds."),
                             url=_shorten(url), seconds=int(deadline))
        timeout = urllib3.Timeout(connect=min(connect_timeout, remaining),
                                  read=min(read_timeout, remaining))
        default_port = 443 if scheme == "https" else 80
        host_header = host if port == default_port else f"{host}:{port}"
        if ":" in host and not host.startswith("["):
            host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
        pool = _pool(scheme, host, port, address, timeout)
        try:
            response = pool.urlopen(
                "GET", path, headers={"Host": host_header, "User-Agent": USER_AGENT,
                                      "Accept": ACCEPT_HEADER,
                                      "Accept-Encoding": "gzip, deflate"},
                redirect=False, retries=False, preload_content=False, decode_content=False,
                assert_same_host=False)
        except urllib3.exceptions.NewConnectionError:
            pool.close()
            raise FetchError(N_("Could not connect to {url}."), url=_shorten(current))
        except urllib3.exceptions.ConnectTimeoutError:
            pool.close()
            raise FetchError(N_("Connecting to {url} timed out."), url=_shorten(current))
        except urllib3.exceptions.ReadTimeoutError:
            pool.close()
            raise FetchError(N_("The server at {url} did not answer in time."), url=_shorten(current))
        except urllib3.exceptions.SSLError:
            pool.close()
            raise FetchError(N_("The secure connection to {url} failed (certificate or TLS error)."),
                             url=_shorten(current))
        except (urllib3.exceptions.HTTPError, OSError):
            pool.close()
            raise FetchError(N_("Could not connect to {url}."), url=_shorten(current))
        try:
            status = response.status
            if status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(N_("The server at {url} redirected without a location."),
                                     url=_shorten(current))
                seen.append(current)
                target = urljoin(current, location.strip())
                if target in seen:
                    raise FetchError(N_("The server at {url} redirects in a loop."), url=_shorten(url))
                if len(seen) > max_redirects:
                    raise FetchError(N_("The server at {url} redirected more than {count} times."),
                                     url=_shorten(url), count=max_redirects)
                current = target
                continue
            if status >= 400:
                raise FetchError(N_("The server answered {url} with the HTTP error {status}."),
                                 url=_shorten(current), status=status)
            if status != 200:
                raise FetchError(N_("The server answered {url} with the unexpected status {status}."),
                                 url=_shorten(current), status=status)
            content_type = response.headers.get("Content-Type")
            if accept_content_types is None:
                check_content_type(content_type, current)
            length = response.headers.get("Content-Length")
            if length and length.strip().isdigit() and int(length) > max_bytes \
                    and not response.headers.get("Content-Encoding"):
                raise FetchError(N_("The catalogue at {url} is larger than the limit of {limit} "
                                 "bytes."), url=_shorten(current), limit=max_bytes)
            decoder = _Decoder(response.headers.get("Content-Encoding"), max_bytes, current)
            body = bytearray()
            while True:
                if time.monotonic() > end:
                    raise FetchError(N_("Downloading {url} took longer than {seconds} seconds."),
                                     url=_shorten(url), seconds=int(deadline))
                try:
                    chunk = response.read1(CHUNK_SIZE)
                except urllib3.exceptions.ReadTimeoutError:
                    raise FetchError(N_("The server at {url} did not answer in time."),
                                     url=_shorten(current))
                except urllib3.exceptions.ProtocolError:
                    raise FetchError(N_("The connection to {url} broke before the whole "
                                     "catalogue was received."), url=_shorten(current))
                except (urllib3.exceptions.HTTPError, OSError):
                    raise FetchError(N_("The connection to {url} broke before the whole "
                                     "catalogue was received."), url=_shorten(current))
                if not chunk:
                    break
                body += decoder.feed(chunk)
            body += decoder.finish()
            if length and length.strip().isdigit() and not response.headers.get(
                    "Content-Encoding") and int(length) != decoder.size:
                raise FetchError(N_("The connection to {url} broke before the whole catalogue "
                                 "was received."), url=_shorten(current))
            return FetchResult(url=current, content=bytes(body), content_type=content_type,
                               status=status)
        finally:
            response.release_conn()
            response.close()
            pool.close()
