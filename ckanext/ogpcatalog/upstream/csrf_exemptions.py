"""CSRF exemptions that last one request, not the life of the process.

CKAN 2.12.0 exempts from CSRF protection the view of every request that is not identified
by a session cookie: a request with an API token, and also any anonymous one
(``ckan_before_request`` calls ``csrf.exempt(view)``). Flask-WTF keeps exemptions in a set
on the process-wide ``CSRFProtect`` object, so one anonymous request to, say, the dataset
edit page exempted that page for every later request of that web process, including those
of logged-in users' browsers: a cross-site form could then change their datasets (the class
of CKAN's CVE-2026-41255). 2.12.0 is the newest CKAN on PyPI, so the portal carries the fix:
exemptions added while a request runs are kept on that request (``flask.g``) only.

Works around: CKAN 2.12.0 (``ckan.config.middleware.flask_app.ckan_before_request``) with
Flask-WTF 1.3.0 (it replaces the private ``CSRFProtect._exempt_views`` set).
Drop when: CKAN > 2.12.0 scopes ``csrf.exempt`` per request (the CVE-2026-41255 fix); then
remove ``scope_csrf_exemptions()`` from plugin.py's ``make_middleware`` and keep
tests/upstream/test_csrf.py, which must still pass without it.
"""
from __future__ import annotations

from flask import g, has_app_context

_REQUEST_KEY = "_ogpcatalog_csrf_exempt_views"


class RequestScopedExemptions(set):
    """Flask-WTF's exempt-view set: declared exemptions (module import time) stay for the
    process; the ones made during a request belong to that request."""

    def add(self, view_location: str) -> None:
        if has_app_context():
            exempt = g.get(_REQUEST_KEY)
            if exempt is None:
                exempt = set()
                setattr(g, _REQUEST_KEY, exempt)
            exempt.add(view_location)
        else:
            super().add(view_location)

    def __contains__(self, view_location: object) -> bool:
        if super().__contains__(view_location):
            return True
        return has_app_context() and view_location in (g.get(_REQUEST_KEY) or ())


def scope_csrf_exemptions() -> None:
    """Install the request-scoped set on CKAN's ``CSRFProtect`` (idempotent)."""
    from ckan.config.middleware.flask_app import csrf

    if not isinstance(csrf._exempt_views, RequestScopedExemptions):
        csrf._exempt_views = RequestScopedExemptions(csrf._exempt_views)
