"""Actions of the OGP commitments import/export (issue 7)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import yaml
from ckan.types import Context, DataDict

from ckanext.ogpcatalog.commitments import exporter, importer, sheet
from ckanext.ogpcatalog.fields import bilingual

__all__: list[str] = ["ogpcatalog_commitments_import", "ogpcatalog_commitments_export"]

# Context key of an optional callable(row report dict) run after each row (the CLI's bar).
PROGRESS = "ogpcatalog_progress"


def _content(data_dict: DataDict) -> bytes | str:
    limit = tk.config.get("ckanext.ogpcatalog.commitments.max_bytes")
    too_large = tk.ValidationError({"upload": [tk._("The file is larger than {size} bytes")
                                               .format(size=limit)]})
    upload = data_dict.get("upload")
    if upload is not None and not isinstance(upload, str):
        stream = getattr(upload, "stream", None) or getattr(upload, "file", None) or upload
        if not callable(getattr(stream, "read", None)):
            raise tk.ValidationError({"upload": [tk._("Expected a file")]})
        content = stream.read(limit + 1)
        if len(content) > limit:
            raise too_large
        if content:
            return content
    text = data_dict.get("csv")
    if isinstance(upload, str) and not text:
        text = upload
    if not text:
        raise tk.ValidationError({"csv": [tk._("Missing value: give the CSV as text (csv) or "
                                                "as a file (upload)")]})
    if len(text) > limit:
        raise too_large
    return text


def _flag(data_dict: DataDict, key: str) -> bool:
    value = data_dict.get(key, False)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def _language(data_dict: DataDict) -> str:
    language = data_dict.get("language") or bilingual.default_language()
    if language not in bilingual.LANGUAGES:
        raise tk.ValidationError({"language": [tk._("Unknown language: {value}. Expected one of: "
                                                    "{allowed}").format(
            value=language, allowed=", ".join(bilingual.LANGUAGES))]})
    return language


def _action_plan(context: Context, name: Any) -> str | None:
    if not name:
        return None
    try:
        group = tk.get_action("group_show")(dict(context), {
            "id": name, "include_datasets": False, "include_users": False,
            "include_groups": False, "include_followers": False, "include_dataset_count": False})
    except tk.ObjectNotFound:
        group = None
    if not group or group.get("type") != "action-plan":
        raise tk.ValidationError({"action_plan": [tk._("Action plan not found: {value}")
                                                  .format(value=name)]})
    return group["name"]


def _columns(data_dict: DataDict) -> dict[str, str]:
    """Extra header names: ``{"header in the file": "column key"}``."""
    columns = data_dict.get("columns") or {}
    if isinstance(columns, str):
        try:
            columns = yaml.safe_load(columns) or {}
        except yaml.YAMLError:
            columns = None
    known = {key for key, _header in sheet.columns()}
    if not isinstance(columns, dict) or any(str(v) not in known for v in columns.values()):
        raise tk.ValidationError({"columns": [tk._(
            "Expected a mapping of header names to columns of the OGP sheet: {allowed}").format(
                allowed=", ".join(sorted(known)))]})
    return {str(k): str(v) for k, v in columns.items()}


def ogpcatalog_commitments_import(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Create or update commitments from a CSV in the shape of OGP's commitments sheet.

    Each row is matched to a commitment by its OGP identifier, filed in its action plan
    (created when missing) and written on its own: a bad row is reported and the next one
    goes on. A row that changes nothing is not written. Sysadmins only.

    :param csv: the CSV text (or give ``upload``); a JSON list of rows, one key per
        column (as the JSON export writes it), is read too
    :type csv: string
    :param upload: the CSV (or JSON) file (multipart upload)
    :param dry_run: report what would happen without writing anything (default false)
    :type dry_run: bool
    :param action_plan: file every row into this action plan (name or id) instead of the
        one the row's country, plan number and years designate
    :type action_plan: string
    :param owner_org: publishing institution of new commitments whose lead institution is
        not on the portal
    :type owner_org: string
    :param language: language of the sheet's texts, ``es`` or ``en`` (default: the portal's)
    :type language: string
    :param columns: extra header names, ``{"header": "column key"}`` (dict or YAML text)
    :type columns: dict
    :returns: ``counts`` (created, updated, unchanged, error), ``rows`` (per row: row number,
        ogp_id, outcome, name, action_plan, changed fields, errors and warnings naming the
        column), ``columns`` (known, unknown), ``action_plans_created``, ``dry_run``
    :rtype: dict
    """
    tk.check_access("ogpcatalog_commitments_import", context, data_dict)
    content = _content(data_dict)
    options = importer.Options(
        dry_run=_flag(data_dict, "dry_run"),
        action_plan=_action_plan(context, data_dict.get("action_plan")),
        owner_org=data_dict.get("owner_org") or None,
        language=_language(data_dict),
    )
    required = [key for key in sheet.REQUIRED if not (key == "country" and options.action_plan)]
    try:
        parsed = sheet.read(content, _columns(data_dict), required)
    except sheet.SheetError as error:
        raise tk.ValidationError({"csv": [str(error)]}) from None
    if parsed.missing:
        message = tk._("Required columns missing: {columns}").format(
            columns=", ".join(sheet.header_of(key) for key in parsed.missing))
        if parsed.unknown:
            message += ". " + tk._("Unknown columns: {columns}").format(
                columns=", ".join(parsed.unknown))
        raise tk.ValidationError({"csv": [message]})
    run = importer.Importer({"user": context.get("user")}, parsed, options)
    progress = context.get(PROGRESS)  # type: ignore[misc]
    reports = run.run(progress=(lambda report: progress(report.as_dict())) if progress else None)
    return {
        "dry_run": options.dry_run,
        "counts": importer.summary(reports),
        "rows": [report.as_dict() for report in reports],
        "columns": {"known": [parsed.headers[i] for i in sorted(parsed.keys)],
                    "unknown": parsed.unknown},
        "action_plans_created": run.plans_created,
    }


@tk.side_effect_free
def ogpcatalog_commitments_export(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The public commitments in the shape of OGP's commitments sheet (the columns the
    import reads), as CSV (UTF-8 with BOM; cells that start with ``=``, ``+``, ``-`` or ``@``
    get a ``'`` before them) or JSON.

    :param format: ``csv`` (default) or ``json``
    :type format: string
    :param action_plan: only the commitments of this action plan (name)
    :type action_plan: string
    :param language: language of the texts, ``es`` or ``en`` (default: the portal's)
    :type language: string
    :returns: ``format``, ``filename``, ``count`` and ``content`` (the CSV text, or the JSON
        list of rows keyed by the sheet's headers)
    :rtype: dict
    """
    tk.check_access("ogpcatalog_commitments_export", context, data_dict)
    export_format = str(data_dict.get("format") or "csv").lower()
    if export_format not in exporter.FORMATS:
        raise tk.ValidationError({"format": [tk._("Unknown format: {value}. Expected one of: "
                                                  "{allowed}").format(
            value=export_format, allowed=", ".join(exporter.FORMATS))]})
    plan = _action_plan(context, data_dict.get("action_plan"))
    language = _language(data_dict)
    cells = exporter.rows({"user": context.get("user")}, plan, language)
    filename = f"{plan or 'commitments'}-ogp.{export_format}"
    content: Any = exporter.to_csv(cells) if export_format == "csv" else cells
    return {"format": export_format, "filename": filename, "count": len(cells), "content": content}
