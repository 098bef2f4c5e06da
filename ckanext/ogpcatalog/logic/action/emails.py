"""Chained core actions that send email: in the portal's language even without a request.

``send_email_notifications`` (the activity digest) usually runs from cron through
``ckan notify send_emails``, where CKAN has no request locale and would write the digest in
English; it runs here inside a request in ``ckan.locale_default``. Called through the API it
keeps the request's language. (Password reset and invitation emails are always sent from a
web request or an API call, in that request's language.)
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ogpcatalog.language.context import default_language_request

__all__ = ["send_email_notifications"]
# The action this module chains belongs to the activity plugin: registered only when it is
# loaded (logic/chains.py).


@tk.chained_action
def send_email_notifications(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    with default_language_request():
        return next_action(context, data_dict)
