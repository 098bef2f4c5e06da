"""Authorization and not-found errors that escape a view become 403 and 404, never a 500.

Some of CKAN core's views let an action's ``NotAuthorized`` or ``NotFound`` escape: an
anonymous POST to ``/dataset/follow/<id>`` (``follow_dataset`` requires a user), a resource
view that does not exist in ``/dataset/<id>/resource/<rid>/edit_view/<view>``. Flask then
answers 500 and logs a traceback. Registered on the Flask app, these handlers answer with
CKAN's own error page and the right status instead.

Works around: CKAN 2.12.0 (``ckan/views/dataset.py`` ``follow``, ``ckan/views/resource.py``
``EditResourceViewView``, and any core view that calls an action without catching them).
Drop when: a CKAN > 2.12.0 answers those requests 403/404 itself; then remove
``register_action_error_handlers(app)`` from plugin.py's ``make_middleware`` and keep
tests/upstream/test_action_errors.py, which must still pass without it.
"""
from __future__ import annotations

from flask import Flask, current_app
from werkzeug.exceptions import Forbidden, NotFound

import ckan.plugins.toolkit as tk


def _forbidden(error: tk.NotAuthorized):
    return current_app.handle_http_exception(Forbidden(tk._("Not authorized to see this page")))


def _not_found(error: tk.ObjectNotFound):
    return current_app.handle_http_exception(NotFound(tk._("Not found")))


def register_action_error_handlers(app: Flask) -> None:
    app.register_error_handler(tk.NotAuthorized, _forbidden)
    app.register_error_handler(tk.ObjectNotFound, _not_found)
