"""Actions of the OGP commitments import/export (issue 7)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.ogpcatalog.commitments import exporter, importer, sheet, trackers
from ckanext.ogpcatalog.logic import schema

__all__: list[str] = ["ogpcatalog_commitments_import", "ogpcatalog_commitments_export"]

# Context key of an optional callable(row report dict) run after each row (the CLI's bar).
PROGRESS = "ogpcatalog_progress"


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
    :param column_map: the file is another tracker's: the name of a shipped column map
        (``mexico-aga``, ``buenos-aires``, ``us-nap5``) or a map's YAML; without it a file
        whose columns match a shipped map is read with that map
    :type column_map: string
    :returns: ``counts`` (created, updated, unchanged, error), ``rows`` (per row: row number,
        ogp_id, outcome, name, action_plan, changed fields, errors and warnings naming the
        column), ``columns`` (known, unknown), ``action_plans_created``, ``dry_run``
    :rtype: dict
    """
    tk.check_access("ogpcatalog_commitments_import", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_commitments_import_schema(), context)
    options = importer.Options(
        dry_run=data["dry_run"],
        action_plan=data.get("action_plan"),
        owner_org=data.get("owner_org"),
        language=data["language"],
    )
    required = [key for key in sheet.REQUIRED if not (key == "country" and options.action_plan)]
    try:
        parsed = trackers.read(data["csv"], data["columns"], required, data.get("column_map"))
    except trackers.ColumnMapError as error:
        raise tk.ValidationError({"column_map": [str(error)]}) from None
    except sheet.SheetError as error:
        raise tk.ValidationError({"csv": [str(error)]}) from None
    if parsed.language and not data_dict.get("language"):
        options.language = parsed.language  # the tracker's language unless one is given
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
        "column_map": parsed.column_map,
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
    data = schema.validated(data_dict, schema.ogpcatalog_commitments_export_schema(), context)
    export_format, plan = data["format"], data.get("action_plan")
    cells = exporter.rows({"user": context.get("user")}, plan, data["language"])
    filename = f"{plan or 'commitments'}-ogp.{export_format}"
    content: Any = exporter.to_csv(cells) if export_format == "csv" else cells
    return {"format": export_format, "filename": filename, "count": len(cells), "content": content}
