"""A commitment is a member of its action plan's group, as CKAN records group membership.

A commitment names its action plan in its ``action_plan`` field (a group of type
``action-plan``, validated by ``ogpcatalog_action_plan``). CKAN's ``package_show`` lists a
dataset's ``groups`` from the ``member`` table, and adding a dataset to a group through
``groups`` requires rights in that group which an institution's editor does not have. So
after a commitment is created or updated, :func:`sync_action_plan_membership` writes the
membership row itself (as the system, in the action's own transaction, before the dataset
is indexed): the commitment's active action-plan memberships are exactly its
``action_plan``. ``package_show.groups``, ``group_show``, the group's dataset count and
``fq=groups:<plan>`` then all agree, with CKAN's own semantics.
"""
from __future__ import annotations

from typing import Any

from ckan import model

ACTION_PLAN_GROUP_TYPE = "action-plan"
COMMITMENT_TYPE = "commitment"


def sync_action_plan_membership(package_id: str | None, plan_name: Any) -> bool:
    """Make ``package_id``'s action-plan memberships match ``plan_name``.

    Memberships of other action plans are marked deleted (the field is the authority for
    the link to plans); other groups are left alone. Does nothing for datasets that are not
    commitments. Flushes; the caller's action commits.

    :returns: whether a membership row changed
    """
    if not package_id:
        return False
    package = model.Package.get(package_id)
    if package is None or package.type != COMMITMENT_TYPE:
        return False
    session = model.Session
    plan = model.Group.get(plan_name) if isinstance(plan_name, str) and plan_name else None
    if plan is not None and (plan.type != ACTION_PLAN_GROUP_TYPE or plan.state != "active"):
        plan = None
    rows = (session.query(model.Member)
            .join(model.Group, model.Group.id == model.Member.group_id)
            .filter(model.Member.table_name == "package")
            .filter(model.Member.table_id == package.id)
            .filter(model.Group.type == ACTION_PLAN_GROUP_TYPE)
            .all())
    changed = False
    kept = None
    for row in rows:
        if plan is not None and row.group_id == plan.id and kept is None:
            kept = row
            if row.state != "active" or row.capacity != "public":
                row.state, row.capacity = "active", "public"
                changed = True
        elif row.state != "deleted":
            row.state = "deleted"
            changed = True
    if plan is not None and kept is None:
        session.add(model.Member(group=plan, table_id=package.id, table_name="package",
                                 capacity="public", state="active"))
        changed = True
    if changed:
        session.flush()
    return changed


def commitments_with_plans() -> list[tuple[str, str | None]]:
    """(id, ``action_plan``) of every commitment that is not deleted, oldest first."""
    rows = (model.Session.query(model.Package.id, model.Package.extras)
            .filter(model.Package.type == COMMITMENT_TYPE)
            .filter(model.Package.state != "deleted")
            .order_by(model.Package.metadata_created, model.Package.id))
    return [(package_id, (extras or {}).get("action_plan")) for package_id, extras in rows]
