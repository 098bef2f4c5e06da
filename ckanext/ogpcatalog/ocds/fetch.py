"""Get a resource's bytes: uploads from CKAN's storage, links over HTTP(S) with limits.

Remote fetches have a connect/read timeout and a size limit
(``ckanext.ogpcatalog.ocds.max_bytes``), follow at most a few redirects and refuse private,
loopback and link-local addresses (each hop is checked) unless listed in
``ckanext.ogpcatalog.ocds.allowed_private_addresses``.
"""
from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

import ckan.plugins.toolkit as tk

MAX_REDIRECTS = 5
CHUNK = 1 << 16


class FetchError(Exception):
    """The file could not be obtained. ``retryable`` failures (server down, timeout, 5xx) are
    tried again later; others are reported at once."""

    def __init__(self, code: str, retryable: bool = False, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.retryable = retryable
        self.params = params


DEFAULTS = {"max_bytes": 104857600, "timeout": 30, "max_attempts": 5, "retry_delay": 300,
            "job_timeout": 1800}


def setting(name: str) -> int:
    """An integer setting ``ckanext.ogpcatalog.ocds.<name>`` (declared defaults as fallback)."""
    value = tk.config.get(f"ckanext.ogpcatalog.ocds.{name}")
    return DEFAULTS[name] if value in (None, "") else tk.asint(value)


def max_bytes() -> int:
    return setting("max_bytes")


def _allowed_networks() -> list[ipaddress._BaseNetwork]:
    networks = []
    for item in tk.aslist(tk.config.get("ckanext.ogpcatalog.ocds.allowed_private_addresses")):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue
    return networks


def check_address(url: str) -> None:
    """Refuse URLs that are not HTTP(S) or whose host resolves to a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("bad_url", url=url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError("unreachable", retryable=True, url=url, reason=str(error)) from error
    allowed = _allowed_networks()
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        public = address.is_global and not address.is_multicast
        if not public and not any(address in network for network in allowed):
            raise FetchError("private_address", url=url, address=str(address))


def _read_limited(chunks, limit: int) -> bytes:
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        if len(buffer) > limit:
            raise FetchError("too_large", limit=limit)
    return bytes(buffer)


def fetch_url(url: str, limit: int | None = None) -> bytes:
    limit = max_bytes() if limit is None else limit
    timeout = setting("timeout")
    session = requests.Session()
    session.trust_env = False
    for _hop in range(MAX_REDIRECTS + 1):
        check_address(url)
        try:
            response = session.get(url, stream=True, timeout=(timeout, timeout), allow_redirects=False,
                                   headers={"Accept": "application/json, */*;q=0.5"})
        except requests.RequestException as error:
            raise FetchError("unreachable", retryable=True, url=url, reason=type(error).__name__) from error
        with response:
            if response.is_redirect and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            status = response.status_code
            if status >= 500 or status == 429:
                raise FetchError("http_error", retryable=True, url=url, status=status)
            if status >= 400:
                raise FetchError("http_error", url=url, status=status)
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise FetchError("too_large", limit=limit)
            try:
                return _read_limited(response.iter_content(CHUNK), limit)
            except requests.RequestException as error:
                raise FetchError("unreachable", retryable=True, url=url, reason=type(error).__name__) from error
    raise FetchError("too_many_redirects", url=url)


def upload_path(resource: dict[str, Any]) -> str:
    from ckan.lib import uploader

    return uploader.get_resource_uploader(resource).get_path(resource["id"])


def fetch_upload(resource: dict[str, Any], limit: int | None = None) -> bytes:
    limit = max_bytes() if limit is None else limit
    path = upload_path(resource)
    if not os.path.isfile(path):
        raise FetchError("upload_missing")
    if os.path.getsize(path) > limit:
        raise FetchError("too_large", limit=limit)
    with open(path, "rb") as handle:
        return handle.read()


def fetch(resource: dict[str, Any]) -> bytes:
    if resource.get("url_type") == "upload":
        return fetch_upload(resource)
    return fetch_url(resource.get("url") or "")
