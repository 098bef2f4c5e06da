"""Get a resource's bytes: uploads from CKAN's storage, links over HTTP(S) with limits.

Remote fetches go through the guarded client (:mod:`ckanext.ogpcatalog.net.client`): a
connect/read timeout (``ckanext.ogpcatalog.ocds.timeout``), the job's time as the deadline, a
size limit (``ckanext.ogpcatalog.ocds.max_bytes``), at most a few redirects with each hop
checked, and only public addresses, connected to as checked, unless listed in
``ckanext.ogpcatalog.net.allowed_addresses`` (or its alias for OCDS,
``ckanext.ogpcatalog.ocds.allowed_private_addresses``).
"""
from __future__ import annotations

import os
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.net import client

MAX_REDIRECTS = 5


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


# The client's refusals and failures as this module's problem codes (ocds/messages.py).
BAD_URL_CODES = frozenset({"invalid_url", "unsupported_scheme", "no_host"})
REDIRECT_CODES = frozenset({"no_location", "redirect_loop", "too_many_redirects"})


def _problem(error: client.OutboundError, url: str) -> FetchError:
    code = error.code
    if code in BAD_URL_CODES:
        return FetchError("bad_url", url=url)
    if code == "refused_address":
        return FetchError("private_address", url=url, address=error.params["address"])
    if code == "too_large":
        return FetchError("too_large", limit=error.params["limit"])
    if code in REDIRECT_CODES:
        return FetchError("too_many_redirects", url=url)
    return FetchError("unreachable", retryable=True, url=url, reason=code)


def fetch_url(url: str, limit: int | None = None) -> bytes:
    limit = max_bytes() if limit is None else limit
    timeout = setting("timeout")
    limits = client.Limits(connect_timeout=timeout, read_timeout=timeout,
                           deadline=setting("job_timeout"), max_bytes=limit,
                           max_redirects=MAX_REDIRECTS)
    try:
        with client.open_url("GET", url, purpose="ocds", limits=limits,
                             headers={"Accept": "application/json, */*;q=0.5"}) as response:
            status = response.status
            if status >= 500 or status == 429:
                raise FetchError("http_error", retryable=True, url=response.url, status=status)
            if status >= 400:
                raise FetchError("http_error", url=response.url, status=status)
            return response.read()
    except client.OutboundError as error:
        raise _problem(error, url) from None


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
