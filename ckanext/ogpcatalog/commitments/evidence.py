"""Commitments and the datasets that evidence them.

``evidence_counts()``: how many commitments have evidence (a milestone names an active
dataset of the portal) and how many have none, per action plan and in total, in one SQL
query (the metrics may call it).

``ogpcatalog_evidence_freshness()``: a template helper (registered through helpers.py) telling
whether an evidence dataset is up to date against its declared update frequency, with the
metrics' rule: up to date while the time since its last change is under period x 1.2.

``may_read()`` / ``hide_unreadable()``: evidence names only datasets the acting user may read
(``package_show`` auth), when it is stored (the ``ogpcatalog_dataset_refs`` validator) and
when it is shown (``after_dataset_show`` / ``after_dataset_search``: a dataset may become
private or draft after it was cited).
"""
from __future__ import annotations

import datetime
import re
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ckanext.ogpcatalog import codelists

OVERDUE_FACTOR = 1.2  # the same rule as metrics/sql.py

_EVIDENCE_SQL = """
WITH commitment AS (
  SELECT p.id, coalesce(p.extras->>'action_plan', '') AS action_plan,
         CASE WHEN coalesce(p.extras->>'milestones', '') ~ '^\\s*\\['
              THEN CAST(p.extras->>'milestones' AS jsonb) ELSE '[]'::jsonb END AS milestones
  FROM package p
  WHERE p.type = 'commitment' AND p.state = 'active'
    AND (NOT :public_only OR NOT p.private)
    AND (CAST(:action_plan AS text) IS NULL OR p.extras->>'action_plan' = :action_plan)
),
evidenced AS (
  SELECT DISTINCT c.id
  FROM commitment c
  CROSS JOIN LATERAL jsonb_array_elements(c.milestones) AS m(item)
  CROSS JOIN LATERAL jsonb_array_elements_text(
      CASE WHEN jsonb_typeof(m.item->'evidence_datasets') = 'array'
           THEN m.item->'evidence_datasets' ELSE '[]'::jsonb END) AS ref(name)
  JOIN package d ON d.name = ref.name AND d.state = 'active'
)
SELECT c.action_plan, count(*) AS total, count(e.id) AS with_evidence
FROM commitment c LEFT JOIN evidenced e ON e.id = c.id
GROUP BY c.action_plan
ORDER BY c.action_plan
"""


def evidence_counts(action_plan: str | None = None, public_only: bool = True) -> dict[str, Any]:
    """Commitments with and without evidence.

    :param action_plan: only this action plan's commitments (its name)
    :param public_only: leave private commitments out (default)
    :returns: ``{"total", "with_evidence", "without_evidence", "action_plans": {name:
        {"total", "with_evidence", "without_evidence"}}}``
    """
    rows = model.Session.execute(sa.text(_EVIDENCE_SQL), {
        "public_only": public_only, "action_plan": action_plan}).fetchall()
    plans = {row.action_plan: {"total": row.total, "with_evidence": row.with_evidence,
                               "without_evidence": row.total - row.with_evidence} for row in rows}
    total = sum(p["total"] for p in plans.values())
    with_evidence = sum(p["with_evidence"] for p in plans.values())
    return {"total": total, "with_evidence": with_evidence,
            "without_evidence": total - with_evidence, "action_plans": plans}


# --- who may read an evidence dataset -------------------------------------------------------

def may_read(context: Any, package: Any) -> bool:
    """Whether the context's user may read ``package`` (a ``model.Package``), by the portal's
    ``package_show`` auth. An internal call without a user (``ignore_auth`` and no user) may."""
    user = context.get("user") if context else None
    if not user and context and context.get("ignore_auth"):
        return True
    if package.state == "active" and not package.private:
        return True
    try:
        tk.check_access("package_show", {"model": model, "session": model.Session, "user": user or ""},
                        {"id": package.id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def _readable_names(names: set[str], user: str | None) -> set[str]:
    """Of ``names``, those the user may read: public active datasets in one query, the rest
    one by one through the auth function."""
    if not names:
        return set()
    rows = model.Session.query(model.Package).filter(model.Package.name.in_(sorted(names))).all()
    context = {"user": user or ""}
    return {row.name for row in rows if row.state != "deleted" and may_read(context, row)}


def hide_unreadable(pkg_dicts: list[dict[str, Any]], user: str | None) -> None:
    """Remove from the milestones' ``evidence_datasets`` of ``pkg_dicts`` (in place) the
    datasets ``user`` may not read: private, draft, deleted or missing ones."""
    cited = [milestone for pkg in pkg_dicts if pkg.get("type") == "commitment"
             for milestone in (pkg.get("milestones") or []) if isinstance(milestone, dict)
             and isinstance(milestone.get("evidence_datasets"), list)]
    names = {str(name) for milestone in cited for name in milestone["evidence_datasets"]}
    if not names:
        return
    readable = _readable_names(names, user)
    for milestone in cited:
        milestone["evidence_datasets"] = [name for name in milestone["evidence_datasets"]
                                          if str(name) in readable]


def readable_search_results(search_results: dict[str, Any]) -> dict[str, Any]:
    """``package_search``'s answer with the evidence the request's user may not read hidden."""
    hide_unreadable(search_results.get("results") or [], current_user())
    return search_results


def readable_dataset(context: Any, pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``package_show``'s answer with the evidence ``context``'s user may not read hidden;
    the indexer's own call (auth ignored, no user) keeps every name, so the index has them."""
    if not (context.get("ignore_auth") and not context.get("user")):
        hide_unreadable([pkg_dict], context.get("user"))
    return pkg_dict


def current_user() -> str | None:
    """The name of the user of the web request (None outside one, or anonymous)."""
    try:
        user = tk.current_user
        return None if user.is_anonymous else user.name
    except (AttributeError, RuntimeError):
        return None


# --- freshness ------------------------------------------------------------------------------

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?)?$")


def period(code: str | None) -> datetime.timedelta | None:
    """The update period of a frequency code (months as 30.44 days); None: no deadline."""
    entry = codelists.get("frequency").get(code) if code else None
    match = _DURATION.match(str(entry.extra.get("period") or "")) if entry else None
    if not match:
        return None
    years, months, weeks, days, hours = (int(g or 0) for g in match.groups())
    return datetime.timedelta(days=years * 365.25 + months * 30.44 + weeks * 7 + days, hours=hours)


def _last_change(dataset: dict[str, Any]) -> datetime.datetime | None:
    """The dataset's declared modification date (``modified``), else its metadata's."""
    for value in (dataset.get("modified"), dataset.get("metadata_modified")):
        text = str(value or "")
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):
            try:
                return datetime.datetime.fromisoformat(text[:19] if "T" in text else text[:10])
            except ValueError:
                continue
    return None


def ogpcatalog_evidence_freshness(dataset: dict[str, Any],
                                  now: datetime.datetime | None = None) -> dict[str, Any]:
    """Whether an evidence dataset is up to date against its declared ``frequency``.

    :returns: ``{"last_modified": datetime | None, "frequency": code | None,
        "due": datetime | None, "up_to_date": True | False | None}`` (None: the frequency
        sets no deadline, or the dataset declares none)
    """
    now = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    last = _last_change(dataset)
    code = dataset.get("frequency") or None
    cycle = period(code)
    due = last + cycle * OVERDUE_FACTOR if last and cycle else None
    return {"last_modified": last, "frequency": code, "due": due,
            "up_to_date": None if due is None else now <= due}
