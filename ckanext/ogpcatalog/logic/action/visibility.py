"""Chained core and peer actions that would tell a visitor about datasets they may not read
(issue 16 item 9): a deliberate difference from stock CKAN, listed in docs/security.md.

* ``tag_list``, ``tag_search``, ``tag_autocomplete`` (free tags) and ``format_autocomplete``
  list only the tags and formats of the datasets the user can find with ``package_search``
  (the search backend applies the user's permission labels: public active datasets, plus
  the private ones of their institutions and their own drafts);
* the activity lists drop the activities of datasets the user cannot read *now* (an
  activity keeps the labels and the whole dataset of the moment it was recorded, so a
  dataset made private or draft later stayed visible there);
* ``harvest_source_show_status`` leaves out the job's error summaries for users who may
  not see the job report (``harvest_job_report`` requires the right to update the source).

Sysadmins, and internal calls that skip authorization (``ignore_auth``), get the stock answers.
"""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import get_permission_labels
from ckan.types import Action, Context, DataDict

__all__ = ["tag_list", "tag_search", "tag_autocomplete", "format_autocomplete",
           "user_activity_list", "package_activity_list", "group_activity_list",
           "organization_activity_list", "recently_changed_packages_activity_list",
           "dashboard_activity_list", "harvest_source_show_status"]


def _unrestricted(context: Context) -> bool:
    return bool(context.get("ignore_auth")) or authz.is_sysadmin(context.get("user"))


def _facet_counts(context: Context, field: str) -> dict[str, int]:
    """The values of ``field`` over the datasets the user can find, with their counts."""
    result = tk.get_action("package_search")(
        {"user": context.get("user")},
        {"q": "", "rows": 0, "facet.field": [field], "facet.limit": -1, "facet.mincount": 1,
         "include_private": True, "include_drafts": True})
    return {str(key): int(count) for key, count in
            (result.get("facets") or {}).get(field, {}).items()}


def _tag_name(tag: Any) -> str:
    return tag.get("name", "") if isinstance(tag, dict) else str(tag)


@tk.side_effect_free
@tk.chained_action
def tag_list(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    tags = next_action(context, data_dict)
    if _unrestricted(context) or data_dict.get("vocabulary_id"):
        return tags  # a vocabulary is the portal's list of terms, not datasets' metadata
    visible = _facet_counts(context, "tags")
    return [tag for tag in tags if _tag_name(tag) in visible]


def _free_tag_search(next_action: Action, context: Context,
                     data_dict: DataDict) -> tuple[list[Any], int] | None:
    """The matches of the free-tag search the user may see, paged as asked; None when the
    stock answer stands (unrestricted user, a vocabulary)."""
    if _unrestricted(context) or data_dict.get("vocabulary_id"):
        return None
    everything = {**data_dict, "limit": None, "offset": None}
    found = next_action(context, everything)
    items = found["results"] if isinstance(found, dict) else found
    visible = _facet_counts(context, "tags")
    items = [item for item in items if _tag_name(item) in visible]
    offset = int(data_dict.get("offset") or 0)
    limit = data_dict.get("limit")
    paged = items[offset:offset + int(limit)] if limit not in (None, "") else items[offset:]
    return paged, len(items)


@tk.side_effect_free
@tk.chained_action
def tag_search(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    restricted = _free_tag_search(next_action, context, data_dict)
    if restricted is None:
        return next_action(context, data_dict)
    return {"count": restricted[1], "results": restricted[0]}


@tk.side_effect_free
@tk.chained_action
def tag_autocomplete(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    restricted = _free_tag_search(next_action, context, data_dict)
    return next_action(context, data_dict) if restricted is None else restricted[0]


@tk.side_effect_free
@tk.chained_action
def format_autocomplete(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    if _unrestricted(context):
        return next_action(context, data_dict)
    tk.check_access("format_autocomplete", context, data_dict)
    query = str(data_dict.get("q") or "").strip().lower()
    limit = int(data_dict.get("limit") or 5)
    totals: dict[str, int] = {}
    for name, count in _facet_counts(context, "res_format").items():
        if query in name.lower():
            totals[name.lower()] = totals.get(name.lower(), 0) + count
    return sorted(totals, key=lambda name: (-totals[name], name))[:limit]


# --- activity streams ---------------------------------------------------------------------

def _readable_packages(context: Context, package_ids: set[str]) -> set[str]:
    """The ids among ``package_ids`` of the datasets the user may read now (their current
    permission labels meet the user's)."""
    if not package_ids:
        return set()
    labels = get_permission_labels()
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    user_labels = set(labels.get_user_dataset_labels(user))
    packages = model.Session.query(model.Package).filter(model.Package.id.in_(package_ids))
    return {package.id for package in packages
            if set(labels.get_dataset_labels(package)) & user_labels}


def _readable_activities(name: str):
    def action(next_action: Action, context: Context, data_dict: DataDict) -> Any:
        activities = next_action(context, data_dict)
        if _unrestricted(context) or not isinstance(activities, list):
            return activities
        packages = {item.get("object_id") for item in activities
                    if "package" in (item.get("activity_type") or "")}
        readable = _readable_packages(context, {p for p in packages if p})
        return [item for item in activities
                if "package" not in (item.get("activity_type") or "")
                or item.get("object_id") in readable]

    action.__name__ = action.__qualname__ = name
    return tk.side_effect_free(tk.chained_action(action))


user_activity_list = _readable_activities("user_activity_list")
package_activity_list = _readable_activities("package_activity_list")
group_activity_list = _readable_activities("group_activity_list")
organization_activity_list = _readable_activities("organization_activity_list")
recently_changed_packages_activity_list = _readable_activities(
    "recently_changed_packages_activity_list")
dashboard_activity_list = _readable_activities("dashboard_activity_list")


# --- harvest sources ----------------------------------------------------------------------

@tk.side_effect_free
@tk.chained_action
def harvest_source_show_status(next_action: Action, context: Context,
                               data_dict: DataDict) -> Any:
    status = next_action(context, data_dict)
    if _unrestricted(context):
        return status
    try:
        tk.check_access("harvest_source_update", dict(context), {"id": data_dict.get("id")})
        return status
    except tk.NotAuthorized:
        pass
    last_job = status.get("last_job") if isinstance(status, dict) else None
    if isinstance(last_job, dict):
        last_job = {key: value for key, value in last_job.items()
                    if key not in ("gather_error_summary", "object_error_summary")}
        status = {**status, "last_job": last_job}
    return status
