"""The extension's auth functions, one module per capability, each named as its action.

``tk.blanket.auth_functions`` registers every name in ``__all__``.
"""
from ckanext.ogpcatalog.logic.auth.commitments import (
    ogpcatalog_commitments_export, ogpcatalog_commitments_import,
    ogpcatalog_commitments_import_show)
from ckanext.ogpcatalog.logic.auth.harvest import ogpcatalog_harvest_source_dry_run
from ckanext.ogpcatalog.logic.auth.metrics import (
    ogpcatalog_compliance_list, ogpcatalog_coverage_matrix_show, ogpcatalog_dataset_quality_list,
    ogpcatalog_institution_metrics_list, ogpcatalog_institution_metrics_show,
    ogpcatalog_link_check_start, ogpcatalog_metrics_snapshot_create,
    ogpcatalog_metrics_summary_show, ogpcatalog_metrics_timeseries_show,
    ogpcatalog_obligation_create, ogpcatalog_obligation_delete, ogpcatalog_obligation_list,
    ogpcatalog_obligation_update, ogpcatalog_obligations_import, ogpcatalog_overdue_dataset_list)
from ckanext.ogpcatalog.logic.auth.ocds import (
    ogpcatalog_ocds_suggestions_apply, ogpcatalog_ocds_suggestions_show,
    ogpcatalog_ocds_summary_show, ogpcatalog_ocds_validate)

__all__ = [
    # metrics
    "ogpcatalog_metrics_summary_show", "ogpcatalog_institution_metrics_list",
    "ogpcatalog_coverage_matrix_show", "ogpcatalog_compliance_list", "ogpcatalog_obligation_list",
    "ogpcatalog_obligation_create", "ogpcatalog_obligation_update",
    "ogpcatalog_obligation_delete", "ogpcatalog_obligations_import",
    "ogpcatalog_metrics_snapshot_create", "ogpcatalog_link_check_start",
    "ogpcatalog_institution_metrics_show", "ogpcatalog_metrics_timeseries_show",
    "ogpcatalog_overdue_dataset_list", "ogpcatalog_dataset_quality_list",
    # commitments
    "ogpcatalog_commitments_import", "ogpcatalog_commitments_import_show",
    "ogpcatalog_commitments_export",
    # OCDS
    "ogpcatalog_ocds_summary_show", "ogpcatalog_ocds_validate",
    "ogpcatalog_ocds_suggestions_show", "ogpcatalog_ocds_suggestions_apply",
    # harvest sources
    "ogpcatalog_harvest_source_dry_run",
]
