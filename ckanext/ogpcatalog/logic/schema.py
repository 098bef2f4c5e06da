"""The schemas of the extension's actions, one per action, named ``<action>_schema``.

Each action checks access first, then validates its ``data_dict`` with its schema
(``validated()``); a bad parameter is a ``ValidationError`` naming the parameter, with one
message per parameter. The validators are CKAN's and the extension's (``logic/validators.py``).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema, Validator, ValidatorFactory

from ckanext.ogpcatalog.metrics import indicators
from ckanext.ogpcatalog.metrics.filters import DEFAULT_LIMIT, MAX_LIMIT


def validated(data_dict: DataDict, schema: Schema, context: Context) -> dict[str, Any]:
    """``data_dict`` converted by ``schema``.

    :raises tk.ValidationError: the errors, by parameter.
    """
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


# --- metrics ---

@tk.validator_args
def _filters(ogpcatalog_codelist_codes: ValidatorFactory, ogpcatalog_dataset_types: Validator,
             ogpcatalog_institution_ids: Validator) -> Schema:
    """The filters of the portal, institution and matrix reads (each one code, a list, or a
    comma-separated string), as lists (institutions as ids)."""
    return {
        "institution_type": [ogpcatalog_codelist_codes("institution-type")],
        "sector": [ogpcatalog_codelist_codes("sector")],
        "government_level": [ogpcatalog_codelist_codes("government-level")],
        "institution": [ogpcatalog_institution_ids],
        "dataset_type": [ogpcatalog_dataset_types],
        "theme": [ogpcatalog_codelist_codes("eu-data-theme")],
    }


def _paging(sorts: Any, default_sort: str, default_limit: int = DEFAULT_LIMIT) -> Schema:
    """``limit``, ``offset`` and ``sort`` (as ``(key, descending)``)."""
    integer = tk.get_validator("ogpcatalog_integer")
    return {
        "limit": [integer(1, MAX_LIMIT, default_limit)],
        "offset": [integer(0, None, 0)],
        "sort": [tk.get_validator("ogpcatalog_sort")(sorts, default_sort)],
    }


def _listing(sorts: Any, default_sort: str) -> Schema:
    return {**_filters(), **_paging(sorts, default_sort)}


def ogpcatalog_metrics_summary_show_schema() -> Schema:
    return _filters()


def ogpcatalog_institution_metrics_list_schema() -> Schema:
    return _listing(indicators.INSTITUTION_SORTS, "rank asc")


@tk.validator_args
def ogpcatalog_institution_metrics_show_schema(ogpcatalog_not_blank: ValidatorFactory
                                               ) -> Schema:
    return {"id": [ogpcatalog_not_blank()]}


@tk.validator_args
def ogpcatalog_coverage_matrix_show_schema(ogpcatalog_coverage_dimension: Validator) -> Schema:
    return {**_listing(indicators.MATRIX_SORTS, "total desc"),
            "by": [ogpcatalog_coverage_dimension]}


def ogpcatalog_overdue_dataset_list_schema() -> Schema:
    return _listing(indicators.OVERDUE_SORTS, "due asc")


@tk.validator_args
def ogpcatalog_dataset_quality_list_schema(ogpcatalog_quality_rating: Validator) -> Schema:
    return {**_listing(indicators.QUALITY_SORTS, "score asc"),
            "rating": [ogpcatalog_quality_rating]}


def ogpcatalog_compliance_list_schema() -> Schema:
    return _listing(indicators.COMPLIANCE_SORTS, "rank asc")


def ogpcatalog_obligation_list_schema() -> Schema:
    return _paging(("code",), "code asc", default_limit=MAX_LIMIT)


@tk.validator_args
def ogpcatalog_obligation_create_schema(ogpcatalog_obligation: ValidatorFactory) -> Schema:
    return {"__before": [ogpcatalog_obligation()]}


@tk.validator_args
def ogpcatalog_obligation_update_schema(ogpcatalog_obligation: ValidatorFactory) -> Schema:
    return {"__before": [ogpcatalog_obligation(partial=True)]}


@tk.validator_args
def ogpcatalog_obligation_delete_schema(ogpcatalog_not_blank: ValidatorFactory) -> Schema:
    return {"code": [ogpcatalog_not_blank()]}


@tk.validator_args
def ogpcatalog_obligations_import_schema(ogpcatalog_not_blank: ValidatorFactory,
                                         ogpcatalog_flag: Validator, ignore_empty: Validator,
                                         unicode_safe: Validator) -> Schema:
    return {"data": [ogpcatalog_not_blank(strip=False)],
            "format": [ignore_empty, unicode_safe],
            "replace": [ogpcatalog_flag]}


@tk.validator_args
def ogpcatalog_metrics_timeseries_show_schema(
        ogpcatalog_timeseries_indicator: Validator, ogpcatalog_timeseries_interval: Validator,
        ogpcatalog_date: Validator, ignore_empty: Validator, unicode_safe: Validator) -> Schema:
    filters = {key: validators for key, validators in _filters().items() if key != "institution"}
    return {**filters,
            "indicator": [ogpcatalog_timeseries_indicator],
            "institution": [ignore_empty, unicode_safe],
            "interval": [ogpcatalog_timeseries_interval],
            "start": [ogpcatalog_date],
            "end": [ogpcatalog_date]}


@tk.validator_args
def ogpcatalog_metrics_snapshot_create_schema(ogpcatalog_date: Validator) -> Schema:
    return {"date": [ogpcatalog_date]}


@tk.validator_args
def ogpcatalog_link_check_start_schema(ignore_empty: Validator, unicode_safe: Validator
                                       ) -> Schema:
    return {"institution": [ignore_empty, unicode_safe]}


# --- commitments ---

@tk.validator_args
def ogpcatalog_commitments_import_schema(
        ogpcatalog_sheet_content: Validator, ogpcatalog_flag: Validator,
        ogpcatalog_action_plan: Validator, ogpcatalog_sheet_language: Validator,
        ogpcatalog_sheet_columns: Validator, ignore_empty: Validator, ignore_missing: Validator,
        unicode_safe: Validator) -> Schema:
    return {"csv": [ogpcatalog_sheet_content],
            "upload": [ignore_missing],
            "dry_run": [ogpcatalog_flag],
            "action_plan": [ignore_empty, ogpcatalog_action_plan],
            "owner_org": [ignore_empty, unicode_safe],
            "language": [ogpcatalog_sheet_language],
            "columns": [ogpcatalog_sheet_columns],
            "column_map": [ignore_empty, unicode_safe]}


@tk.validator_args
def ogpcatalog_commitments_import_show_schema(not_empty: Validator, unicode_safe: Validator
                                              ) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@tk.validator_args
def ogpcatalog_commitments_export_schema(
        ogpcatalog_export_format: Validator, ogpcatalog_action_plan: Validator,
        ogpcatalog_sheet_language: Validator, ignore_empty: Validator) -> Schema:
    return {"format": [ogpcatalog_export_format],
            "action_plan": [ignore_empty, ogpcatalog_action_plan],
            "language": [ogpcatalog_sheet_language]}


# --- OCDS ---

@tk.validator_args
def _by_id(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


def ogpcatalog_ocds_summary_show_schema() -> Schema:
    return _by_id()


def ogpcatalog_ocds_validate_schema() -> Schema:
    return _by_id()


def ogpcatalog_ocds_suggestions_show_schema() -> Schema:
    return _by_id()


@tk.validator_args
def ogpcatalog_ocds_suggestions_apply_schema(ogpcatalog_field_names: Validator) -> Schema:
    return {**_by_id(), "fields": [ogpcatalog_field_names]}


# --- harvest sources ---

def ogpcatalog_harvest_source_dry_run_schema() -> Schema:
    return _by_id()
