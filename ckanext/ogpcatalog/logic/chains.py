"""What the plugin registers: its actions and its template helpers, less the chains of
another plugin's actions or helpers when that plugin is not loaded (CKAN refuses to chain an
action or a helper that does not exist).

``CONDITIONAL_CHAINS`` is the one table of such chains, for actions and helpers alike.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p

from ckanext.ogpcatalog import helpers
from ckanext.ogpcatalog.logic import action

# (kind, name) -> the plugin whose action or helper it chains
CONDITIONAL_CHAINS: dict[tuple[str, str], str] = {
    ("action", "send_email_notifications"): "activity",  # logic/action/emails.py
    # logic/action/visibility.py
    **{("action", name): "activity" for name in (
        "user_activity_list", "package_activity_list", "group_activity_list",
        "organization_activity_list", "recently_changed_packages_activity_list",
        "dashboard_activity_list")},
    ("action", "harvest_source_show_status"): "harvest",
    ("helper", "harvesters_info"): "harvest",  # helpers.py
}


def _registered(kind: str, module: Any) -> dict[str, Any]:
    """Every name in ``module.__all__``, less the chains of a plugin that is not loaded."""
    return {name: getattr(module, name) for name in module.__all__
            if (kind, name) not in CONDITIONAL_CHAINS
            or p.plugin_loaded(CONDITIONAL_CHAINS[(kind, name)])}


def registered_actions() -> dict[str, Any]:
    """The actions of ``logic/action`` to register (for ``tk.blanket.actions``)."""
    return _registered("action", action)


def registered_helpers() -> dict[str, Any]:
    """The template helpers of ``helpers.py`` to register (``ITemplateHelpers``)."""
    return _registered("helper", helpers)
