"""Actions of the OGP commitments import/export (issue 7)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.ogpcatalog.commitments import exporter, importer, jobs
from ckanext.ogpcatalog.language import current_language
from ckanext.ogpcatalog.logic import schema

__all__: list[str] = ["ogpcatalog_commitments_import", "ogpcatalog_commitments_import_show",
                      "ogpcatalog_commitments_export"]

# Context key of an optional callable(row report dict) run after each row (the CLI's bar).
PROGRESS = "ogpcatalog_progress"
# Context key: true to import in this process whatever the size (the CLI, the job itself).
SYNCHRONOUS = "ogpcatalog_synchronous"


def ogpcatalog_commitments_import(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Create or update commitments from a CSV in the shape of OGP's commitments sheet.

    Each row is matched to a commitment by its OGP identifier, filed in its action plan
    (created when missing) and written on its own: a bad row is reported and the next one
    goes on. A row that changes nothing is not written. Sysadmins only.

    A file of more rows than ``ckanext.ogpcatalog.commitments.background_rows`` is read and
    checked now (its errors are answered now) and imported by a background job: the answer
    is then the job's state (``background`` true, ``id``, ``state``, ``rows_total``...), which
    ``ogpcatalog_commitments_import_show`` and the page ``/commitments/import/<id>`` follow.

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
        column), ``columns`` (known, unknown), ``action_plans_created``, ``dry_run``; or,
        in the background, the job's state (see ``ogpcatalog_commitments_import_show``)
    :rtype: dict
    """
    tk.check_access("ogpcatalog_commitments_import", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_commitments_import_schema(), context)
    work = {key: data.get(key) for key in ("csv", "columns", "column_map", "dry_run",
                                             "action_plan", "owner_org", "language")}
    work["language_given"] = bool(data_dict.get("language"))
    read = importer.read_file(work)  # the file's errors are answered now, in any case
    rows = len(read[0].rows)
    if rows > jobs.background_rows() and not context.get(SYNCHRONOUS):  # type: ignore[misc]
        state = jobs.enqueue(work, rows, context.get("user") or "", current_language())
        return {**_public(state), "background": True}
    progress = context.get(PROGRESS)  # type: ignore[misc]
    return importer.run_file(context.get("user"), work, progress, read)


def _public(state: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in state.items() if key != "user"}


@tk.side_effect_free
def ogpcatalog_commitments_import_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The state of a commitments import running in the background (sysadmins only).

    :param id: the import's ``id``, as ``ogpcatalog_commitments_import`` answered it
    :type id: string
    :returns: ``id``, ``state`` (``queued``, ``running``, ``finished`` or ``failed``),
        ``dry_run``, ``rows_total``, ``rows_done``, ``counts`` (so far), ``created``,
        ``started``, ``finished``, ``error`` (why it failed) and ``result`` (when finished:
        what ``ogpcatalog_commitments_import`` answers for an import in the request)
    :rtype: dict
    """
    tk.check_access("ogpcatalog_commitments_import_show", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_commitments_import_show_schema(),
                            context)
    state = jobs.status(data["id"])
    if state is None:
        raise tk.ObjectNotFound(tk._("Import not found (imports are kept for seven days)"))
    return _public(state)


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
