"""ckanext-dcat's own harvesters download through the portal's guarded client.

ckanext-dcat 2.4.4's ``DCATHarvester._get_content_and_type`` (harvesters/base.py, used by the
stock ``dcat_rdf`` harvester's gather stage) fetches a source's URL with a plain ``requests``
session: any address (loopback, the internal network, cloud metadata), redirects followed
unchecked, no timeout, and a URL not starting with ``http`` read as a LOCAL FILE. An institution
editor could make the server fetch loopback and tell open ports from closed ones by the job's
errors (issue 16, item 2).

:func:`guard_stock_dcat_fetch` replaces that method with one that downloads through
:func:`ckanext.ogpcatalog.dcat.fetch.fetch` (the guarded client of ``net/``: checked addresses
only, every redirect hop checked, time and size bounds), never reads local files and reports
refusals as gather errors in the portal's language. The byte limit stays ckanext-dcat's
``ckanext.dcat.max_file_size`` (MB). Source URLs of every type are also checked when a source
is created or updated (dcat/harvester.py ``check_source_url``).

Works around: ckanext-dcat 2.4.4 (``ckanext.dcat.harvesters.base.DCATHarvester.
_get_content_and_type``).
Drop when: ckanext-dcat lets a plugin replace its download (not only ``update_session``) or
guards it itself; tests/security/test_stock_harvester_ssrf.py must still pass.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.dcat.fetch import FetchError, _, fetch

log = logging.getLogger(__name__)

DEFAULT_MAX_FILE_SIZE_MB = 50


def guarded_get_content_and_type(harvester: Any, url: str, harvest_job: Any, page: int = 1,
                                 content_type: str | None = None
                                 ) -> tuple[str | None, str | None]:
    """``_get_content_and_type`` of ckanext-dcat, through the guarded client: ``(content,
    content type)``, or ``(None, None)`` after saving the reason as a gather error."""
    if page > 1:
        url = url + ("&" if "?" in url else "?") + f"page={page}"
    max_mb = tk.asint(tk.config.get("ckanext.dcat.max_file_size") or DEFAULT_MAX_FILE_SIZE_MB)
    try:
        result = fetch(url, max_bytes=max_mb * 1024 * 1024)
        content = result.content.decode("utf-8")
    except FetchError as error:
        harvester._save_gather_error(str(error), harvest_job)
        return None, None
    except UnicodeDecodeError:
        harvester._save_gather_error(_("The catalogue at {url} is not UTF-8 text.").format(
            url=url[:200]), harvest_job)
        return None, None
    if content_type is None and result.content_type:
        content_type = result.content_type.split(";", 1)[0].strip()
    return content, content_type


def guard_stock_dcat_fetch() -> None:
    """Route ckanext-dcat's harvesters' downloads through the guarded client (idempotent)."""
    from ckanext.dcat.harvesters.base import DCATHarvester

    if getattr(DCATHarvester._get_content_and_type, "_ogpcatalog_guarded", False):
        return

    def _get_content_and_type(self: Any, url: str, harvest_job: Any, page: int = 1,
                              content_type: str | None = None):
        return guarded_get_content_and_type(self, url, harvest_job, page, content_type)

    _get_content_and_type._ogpcatalog_guarded = True  # type: ignore[attr-defined]
    _get_content_and_type.__doc__ = guarded_get_content_and_type.__doc__
    DCATHarvester._get_content_and_type = _get_content_and_type
    log.debug("ckanext-dcat's harvester downloads go through the guarded client")
