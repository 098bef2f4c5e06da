"""The portal's one guarded HTTP client: every outbound request goes through :func:`open_url`.

For each request, and again for each redirect hop:

* only ``http``/``https`` URLs with a host and a valid port (a malformed URL is a
  :class:`RefusedUrl`, never a stray ``ValueError``);
* the host is resolved once; EVERY address it resolves to must be allowed
  (:func:`.addresses.address_allowed`), and the connection goes to the address that was
  checked, with the ``Host`` header and TLS SNI/certificate check set to the name (no second
  DNS lookup, so no DNS-rebinding window between check and connect);
* redirects are followed here, never by urllib3/requests, at most ``Limits.max_redirects``;
* connect and read timeouts per hop, and one deadline for the whole request;
* :meth:`Response.read` streams the body under a byte limit (a lying ``Content-Length`` changes
  nothing) and decompresses gzip/deflate incrementally under the same limit.

Errors are :class:`OutboundError` with a stable ``code`` and ``params``; callers turn them into
their own (translated) messages. ``str()`` is an English sentence for logs.
"""
from __future__ import annotations

import http.client
import socket
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from requests.utils import requote_uri

from ckanext.ogpcatalog.net.addresses import address_allowed

USER_AGENT = "ckanext-ogpcatalog/1.0"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_SIZE = 64 * 1024

MESSAGES = {
    "invalid_url": "The URL {url} is not valid.",
    "unsupported_scheme": "Only http and https URLs can be fetched, not {url}.",
    "no_host": "The URL {url} has no host name.",
    "unresolvable": "The host name {host} could not be resolved.",
    "refused_address": "The host {host} resolves to {address}, a private or reserved address.",
    "connect_failed": "Could not connect to {url}.",
    "connect_timeout": "Connecting to {url} timed out.",
    "read_timeout": "The server at {url} did not answer in time.",
    "tls": "The secure connection to {url} failed (certificate or TLS error).",
    "broken": "The connection to {url} broke before the whole answer was received.",
    "no_location": "The server at {url} redirected without a location.",
    "redirect_loop": "The server at {url} redirects in a loop.",
    "too_many_redirects": "The server at {url} redirected more than {count} times.",
    "deadline": "Downloading {url} took longer than {seconds} seconds.",
    "too_large": "The answer from {url} is larger than the limit of {limit} bytes.",
    "unsupported_encoding": "The server used the content encoding {encoding}, which is not supported.",
    "corrupt_encoding": "The compressed answer from {url} is corrupt.",
}


def shorten(url: str, limit: int = 200) -> str:
    return url if len(url) <= limit else url[:limit] + "..."


class OutboundError(Exception):
    """A request refused or failed: ``code`` (a key of :data:`MESSAGES`) and ``params``."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    def __str__(self) -> str:
        return MESSAGES[self.code].format(**self.params)


class RefusedUrl(OutboundError):
    """The URL itself is refused (malformed, scheme, host, resolved address); nothing was sent."""


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``address``) and what to ask for."""
    url: str
    scheme: str
    host: str
    port: int
    address: str | None  # None: not resolvable now (only with resolve_required=False)
    path: str

    @property
    def default_port(self) -> bool:
        return self.port == (443 if self.scheme == "https" else 80)

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.default_port else f"{host}:{self.port}"


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 120.0  # seconds for the whole request, redirects and body included
    max_bytes: int = 50 * 1024 * 1024  # after decompression
    max_redirects: int = 5


def check_url(url: str, purpose: str | None = None, resolve_required: bool = True) -> Target:
    """Check ``url`` and resolve its host once.

    :param purpose: ``harvest``, ``ocds``, ``link_check``... (selects the allow-list alias key)
    :param resolve_required: when False (a harvest source being saved), a host that does not
        resolve now is accepted with ``address=None``; addresses it does resolve to are checked
    :raises RefusedUrl: malformed, not http(s), no host, unresolvable, a refused address
    """
    if not isinstance(url, str):
        raise RefusedUrl("invalid_url", url=shorten(repr(url)))
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = parts.hostname
    except ValueError:  # bad IPv6 literal, port out of range or not a number
        raise RefusedUrl("invalid_url", url=shorten(url)) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise RefusedUrl("unsupported_scheme", url=shorten(url))
    if not host:
        raise RefusedUrl("no_host", url=shorten(url))
    port = port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        path = requote_uri(path)
    except ValueError:
        raise RefusedUrl("invalid_url", url=shorten(url)) from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError, OSError):
        if not resolve_required:
            return Target(url, scheme, host, port, None, path)
        raise RefusedUrl("unresolvable", host=shorten(host, 100)) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise RefusedUrl("unresolvable", host=shorten(host, 100))
    for address in addresses:
        if not address_allowed(address, purpose):
            raise RefusedUrl("refused_address", host=shorten(host, 100), address=address,
                             url=shorten(url))
    return Target(url, scheme, host, port, addresses[0], path)


class _Decoder:
    """Incremental gzip/deflate decoding that counts the decoded bytes against a limit."""

    def __init__(self, encoding: str | None, max_bytes: int, url: str):
        encoding = (encoding or "").strip().lower()
        self.url = url
        self.max_bytes = max_bytes
        self.size = 0
        if encoding in ("gzip", "x-gzip"):
            self._zlib: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif encoding in ("", "identity"):
            self._zlib = None
        else:
            raise OutboundError("unsupported_encoding", encoding=encoding[:40], url=url)

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise OutboundError("too_large", url=shorten(self.url), limit=self.max_bytes)
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
                raise OutboundError("corrupt_encoding", url=shorten(self.url)) from None
            out.append(self._count(piece))
            data = self._zlib.unconsumed_tail
        return b"".join(out)

    def finish(self) -> bytes:
        if self._zlib is None:
            return b""
        try:
            return self._count(self._zlib.flush())
        except zlib.error:
            raise OutboundError("corrupt_encoding", url=shorten(self.url)) from None


@dataclass
class Response:
    """The final (non-redirect) answer; the body is not read until :meth:`read`."""
    url: str
    status: int
    headers: Any
    requested_url: str
    limits: Limits
    ends_at: float
    redirects: list[str] = field(default_factory=list)
    _raw: Any = None
    _pool: Any = None

    def read(self, max_bytes: int | None = None) -> bytes:
        """The whole body, decompressed, under ``max_bytes`` (default: the limits') and the
        request's deadline.

        :raises OutboundError: ``too_large``, ``deadline``, ``read_timeout``, ``broken``...
        """
        limit = self.limits.max_bytes if max_bytes is None else max_bytes
        encoding = self.headers.get("Content-Encoding")
        length = (self.headers.get("Content-Length") or "").strip()
        declared = int(length) if length.isdigit() else None
        if declared is not None and declared > limit and not encoding:
            raise OutboundError("too_large", url=shorten(self.url), limit=limit)
        decoder = _Decoder(encoding, limit, self.url)
        body = bytearray()
        for chunk in self.iter_raw():
            body += decoder.feed(chunk)
        body += decoder.finish()
        if declared is not None and not encoding and declared != decoder.size:
            raise OutboundError("broken", url=shorten(self.url))
        return bytes(body)

    def iter_raw(self) -> Iterator[bytes]:
        """The body as it comes (still encoded), under the deadline."""
        while True:
            if time.monotonic() > self.ends_at:
                raise OutboundError("deadline", url=shorten(self.requested_url),
                                    seconds=int(self.limits.deadline))
            try:
                chunk = self._raw.read1(CHUNK_SIZE)
            except urllib3.exceptions.ReadTimeoutError:
                raise OutboundError("read_timeout", url=shorten(self.url)) from None
            except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError):
                raise OutboundError("broken", url=shorten(self.url)) from None
            if not chunk:
                return
            yield chunk

    def close(self) -> None:
        if self._raw is not None:
            self._raw.release_conn()
            self._raw.close()
        if self._pool is not None:
            self._pool.close()

    def __enter__(self) -> "Response":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _pool(target: Target, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    """A one-connection pool to the CHECKED address (TLS verified against the host name)."""
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address, target.port, timeout=timeout, retries=False, maxsize=1,
            cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(),
            server_hostname=target.host, assert_hostname=target.host)
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout,
                                      retries=False, maxsize=1)


def _send(method: str, target: Target, headers: dict[str, str], limits: Limits,
          ends_at: float, original: str):
    remaining = ends_at - time.monotonic()
    if remaining <= 0:
        raise OutboundError("deadline", url=shorten(original), seconds=int(limits.deadline))
    timeout = urllib3.Timeout(connect=min(limits.connect_timeout, remaining),
                              read=min(limits.read_timeout, remaining))
    pool = _pool(target, timeout)
    url = shorten(target.url)
    try:
        raw = pool.urlopen(method, target.path, headers={**headers, "Host": target.host_header},
                           redirect=False, retries=False, preload_content=False,
                           decode_content=False, assert_same_host=False)
    except urllib3.exceptions.NewConnectionError:  # refused (a ConnectTimeoutError subclass)
        pool.close()
        raise OutboundError("connect_failed", url=url) from None
    except urllib3.exceptions.ConnectTimeoutError:
        pool.close()
        raise OutboundError("connect_timeout", url=url) from None
    except urllib3.exceptions.ReadTimeoutError:
        pool.close()
        raise OutboundError("read_timeout", url=url) from None
    except urllib3.exceptions.SSLError:
        pool.close()
        raise OutboundError("tls", url=url) from None
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError):
        pool.close()
        raise OutboundError("connect_failed", url=url) from None
    return pool, raw


def open_url(method: str, url: str, *, purpose: str | None = None, limits: Limits = Limits(),
             headers: dict[str, str] | None = None) -> Response:
    """Send ``method`` to ``url`` under every guard of this module; follow redirects (each hop
    checked); return the final answer, body unread. Use it as a context manager.

    :param purpose: selects the allow-list alias key (see :mod:`.addresses`)
    :raises RefusedUrl: the URL or a redirect target is refused (nothing was sent to it)
    :raises OutboundError: connection, timeout, TLS, redirect and limit failures
    """
    ends_at = time.monotonic() + limits.deadline
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **(headers or {})}
    seen: list[str] = []
    current = url
    while True:
        target = check_url(current, purpose)
        pool, raw = _send(method, target, headers, limits, ends_at, url)
        if raw.status not in REDIRECT_STATUSES:
            return Response(url=current, status=raw.status, headers=raw.headers,
                            requested_url=url, limits=limits, ends_at=ends_at, redirects=seen,
                            _raw=raw, _pool=pool)
        location = raw.headers.get("Location")
        raw.release_conn()
        raw.close()
        pool.close()
        if not location:
            raise OutboundError("no_location", url=shorten(current))
        seen.append(current)
        try:
            following = urljoin(current, location.strip())
        except ValueError:
            raise RefusedUrl("invalid_url", url=shorten(location)) from None
        if following in seen:
            raise OutboundError("redirect_loop", url=shorten(url))
        if len(seen) > limits.max_redirects:
            raise OutboundError("too_many_redirects", url=shorten(url), count=limits.max_redirects)
        if raw.status == 303 and method not in ("GET", "HEAD"):
            method = "GET"
        current = following


def fetch(url: str, *, purpose: str | None = None, limits: Limits = Limits(),
          headers: dict[str, str] | None = None) -> tuple[Response, bytes]:
    """GET ``url`` and read its body under the limits: ``(response, body)`` (any status)."""
    with open_url("GET", url, purpose=purpose, limits=limits, headers=headers) as response:
        return response, response.read()
