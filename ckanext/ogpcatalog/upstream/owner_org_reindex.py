"""CKAN 2.12.0's ``package_owner_org_update`` does not re-index the moved dataset.

It moves the dataset without re-indexing it and keeps ``metadata_modified``: the search index
kept the old institution, and ``package_show`` (which serves the indexed dict while the stamps
match) answered the old ``owner_org``, so the next ``package_patch`` moved the dataset back.
The chained action below re-indexes the dataset once the move is committed; it is registered
by ``logic/action/__init__.py``.

Drop it when the CKAN the portal runs re-indexes in ``package_owner_org_update`` (check with
``tests/search/test_owner_change.py`` after removing the registration).
"""
from __future__ import annotations

from typing import Any

import ckan.logic as logic
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

__all__ = ["package_owner_org_update"]


@tk.chained_action
def package_owner_org_update(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's move, then the moved dataset re-indexed (unless the caller defers the commit)."""
    result = next_action(context, data_dict)
    if not context.get("defer_commit"):
        package = context["model"].Package.get(data_dict.get("id"))
        if package is not None:
            logic.index_update_package({"ignore_auth": True}, package.id, True)
            context["model"].repo.commit()
    return result
