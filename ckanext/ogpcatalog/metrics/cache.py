"""A short-lived Redis cache of the metrics actions' portal-wide answers, for the dashboard.

``ckanext.ogpcatalog.metrics.dashboard_cache_seconds`` says how long an answer is reused
(0: never). Only answers are reused: the visitor's access is checked on every call.
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.ogpcatalog.language import current_language

__all__ = ["CACHE_PREFIX", "run_action"]

log = logging.getLogger(__name__)

CACHE_PREFIX = "ogpcatalog:metrics:dashboard:"


def run_action(action: str, data: dict[str, Any], context: Context) -> Any:
    """The action's answer for the visitor of ``context``. A portal-wide read (no
    ``institution``, no ``id``) reuses a recent answer for ``dashboard_cache_seconds``; an
    institution's figures are always computed afresh (its editors come back to see their fixes).

    The visitor's access is checked on every request; only answers are reused (they are the
    same for every visitor who may read them: private datasets are never named). Without
    Redis, or with the setting at 0, the action runs every time.
    """
    seconds = tk.config.get("ckanext.ogpcatalog.metrics.dashboard_cache_seconds") or 0
    if seconds <= 0 or data.get("institution") or data.get("id"):
        return tk.get_action(action)(context, dict(data))
    tk.check_access(action, dict(context), dict(data))
    key = _key(action, data)
    try:
        from ckan.lib.redis import connect_to_redis
        redis = connect_to_redis()
        cached = redis.get(key)
    except Exception:  # noqa: BLE001 - no cache is slower, never wrong
        log.warning("Publishers dashboard: Redis unavailable, answers are not cached", exc_info=True)
        return tk.get_action(action)(context, dict(data))
    if cached is not None:
        return json.loads(cached)
    answer = tk.get_action(action)(context, dict(data))
    try:
        redis.setex(key, int(seconds), json.dumps(answer, default=str))
    except Exception:  # noqa: BLE001
        log.warning("Publishers dashboard: could not cache an answer", exc_info=True)
    return answer


def _key(action: str, data: dict[str, Any]) -> str:
    # One Redis may serve several portals (or a portal and its tests): the key names the
    # site and its database too. Institutions' titles come in the request's language: so
    # does the key.
    scope = [tk.config.get("ckan.site_id"), tk.config.get("sqlalchemy.url"), current_language(),
             action, data]
    return CACHE_PREFIX + hashlib.sha256(
        json.dumps(scope, sort_keys=True, default=str).encode("utf-8")).hexdigest()
