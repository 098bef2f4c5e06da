"""The extension's actions, one module per capability: its own ``ogpcatalog_*`` actions,
the chained core actions (core.py, emails.py) and the workaround of an upstream bug
(upstream/owner_org_reindex.py).

``tk.blanket.actions`` registers what ``logic/chains.registered_actions()`` gives: every name
in ``__all__``, except the chains of a plugin that is not loaded (``logic/chains.py``).
"""
from ckanext.ogpcatalog.logic.action.commitments import (
    ogpcatalog_commitments_export, ogpcatalog_commitments_import,
    ogpcatalog_commitments_import_show)
from ckanext.ogpcatalog.logic.action.core import (
    group_list, group_show, organization_list, organization_show, package_create,
    package_update)
from ckanext.ogpcatalog.logic.action.emails import send_email_notifications
from ckanext.ogpcatalog.logic.action.harvest import ogpcatalog_harvest_source_dry_run
from ckanext.ogpcatalog.logic.action.metrics import (
    ogpcatalog_compliance_list, ogpcatalog_coverage_matrix_show, ogpcatalog_dataset_quality_list,
    ogpcatalog_institution_metrics_list, ogpcatalog_institution_metrics_show,
    ogpcatalog_link_check_start, ogpcatalog_metrics_snapshot_create,
    ogpcatalog_metrics_summary_show, ogpcatalog_metrics_timeseries_show,
    ogpcatalog_obligation_create, ogpcatalog_obligation_delete, ogpcatalog_obligation_list,
    ogpcatalog_obligation_update, ogpcatalog_obligations_import, ogpcatalog_overdue_dataset_list)
from ckanext.ogpcatalog.logic.action.ocds import (
    ogpcatalog_ocds_suggestions_apply, ogpcatalog_ocds_suggestions_show,
    ogpcatalog_ocds_summary_show, ogpcatalog_ocds_validate)
from ckanext.ogpcatalog.logic.action.visibility import (
    dashboard_activity_list, format_autocomplete, group_activity_list,
    harvest_source_show_status, organization_activity_list, package_activity_list,
    recently_changed_packages_activity_list, tag_autocomplete, tag_list, tag_search,
    user_activity_list)
from ckanext.ogpcatalog.upstream.owner_org_reindex import package_owner_org_update

__all__ = [
    # chained core actions
    "organization_show", "organization_list", "group_show", "group_list",
    "package_create", "package_update", "send_email_notifications",
    # chained core/peer actions that would show non-public datasets' metadata (visibility.py)
    "tag_list", "tag_search", "tag_autocomplete", "format_autocomplete",
    "user_activity_list", "package_activity_list", "group_activity_list",
    "organization_activity_list", "recently_changed_packages_activity_list",
    "dashboard_activity_list", "harvest_source_show_status",
    # upstream workaround
    "package_owner_org_update",
    # metrics
    "ogpcatalog_metrics_summary_show", "ogpcatalog_institution_metrics_list",
    "ogpcatalog_institution_metrics_show", "ogpcatalog_coverage_matrix_show",
    "ogpcatalog_overdue_dataset_list", "ogpcatalog_dataset_quality_list",
    "ogpcatalog_compliance_list", "ogpcatalog_obligation_list", "ogpcatalog_obligation_create",
    "ogpcatalog_obligation_update", "ogpcatalog_obligation_delete",
    "ogpcatalog_obligations_import", "ogpcatalog_metrics_timeseries_show",
    "ogpcatalog_metrics_snapshot_create", "ogpcatalog_link_check_start",
    # commitments
    "ogpcatalog_commitments_import", "ogpcatalog_commitments_import_show",
    "ogpcatalog_commitments_export",
    # OCDS
    "ogpcatalog_ocds_summary_show", "ogpcatalog_ocds_validate",
    "ogpcatalog_ocds_suggestions_show", "ogpcatalog_ocds_suggestions_apply",
    # harvest sources
    "ogpcatalog_harvest_source_dry_run",
]
